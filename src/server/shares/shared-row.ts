// What a share's person is shown of its terminal's row (GET /shared, and the row the socket sends
// them as it changes): what the shared page draws (the target, the run's state, the owner's size,
// the recording), not who the owner is to the cluster and their identity provider. "A share is
// not a grant ... nothing else of the owner's is shown to them" (docs/team-mode.md): the owner's
// groups (up to 100 of them), the kubeconfig's user a local terminal runs as (an IAM user's ARN,
// say) and the context it runs in are the owner's, not the terminal's.
import type { SessionRow } from '../../protocol/index.ts';

/** Who the shared page says shared the terminal: all it is told of who asked for it. */
export function sharedBy(row: SessionRow): string {
  return row.person?.user ?? 'the local user';
}

export function sharedRow(row: SessionRow): SessionRow {
  const { person: _person, replica: _replica, target, ...shown } = row;
  const { context: _context, ...where } = target;
  return { ...shown, target: where, requestedBy: sharedBy(row) };
}

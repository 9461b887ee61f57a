// A terminal's shares pushed to its owner's pages as they change (docs/api.md, "Sharing a
// terminal"): who joined, left, typed, was removed or changed role, a share made or revoked. So an
// open Share dialog shows who watches now without asking. The control plane hands over the
// terminals a burst of log entries touched; a terminal's list goes out only if one of its share
// rows changed (immer: a changed row is a new object), whole (at most MAX_SHARES_PER_TERMINAL
// shares, as GET /sessions/ID/shares has it), and only to the pages that GET answers: the owner's
// (an admin's page sees the terminal, not its shares; a share link's browser owns nothing).
import type { ShareRow, Shares } from '../../events/projections/shares.ts';
import type { ExecSystem } from '../../runtime/exec-system.ts';
import { owns } from '../caller.ts';
import type { HubSocket } from '../hub-sockets.ts';
import { shareView } from './share-routes.ts';

const rowsOf = (shares: Shares, sessionId: string): ShareRow[] => (shares.bySession[sessionId] ?? []).map((id) => shares.byId[id]);
const same = (a: readonly ShareRow[], b: readonly ShareRow[]) => a.length === b.length && a.every((row, i) => row === b[i]);

export class SharePush {
  /** each terminal's share rows as last pushed */
  readonly #sent = new Map<string, ShareRow[]>();

  constructor(
    private readonly system: ExecSystem,
    private readonly sockets: () => Iterable<HubSocket>,
  ) {
    for (const sessionId of Object.keys(system.shares.bySession)) this.#sent.set(sessionId, rowsOf(system.shares, sessionId));
  }

  /** The terminals `sessionIds` were touched by log entries just folded: push those whose shares changed. */
  changed(sessionIds: Iterable<string>): void {
    const { shares, sessionList } = this.system;
    for (const sessionId of sessionIds) {
      const session = sessionList.byId[sessionId];
      // a closed terminal's shares go with it, and its pages hear `sessionClosed`
      if (!session) {
        this.#sent.delete(sessionId);
        continue;
      }
      const rows = rowsOf(shares, sessionId);
      if (same(rows, this.#sent.get(sessionId) ?? [])) continue;
      if (rows.length) this.#sent.set(sessionId, rows);
      else this.#sent.delete(sessionId);
      const now = Date.now();
      const message = { type: 'shares' as const, sessionId, shares: rows.map((row) => shareView(row, now)) };
      for (const socket of this.sockets()) if (owns(socket.caller, session.person)) socket.send(message);
    }
  }
}

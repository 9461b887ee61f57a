// `octant-exec attach POD`: this terminal on the container's main process; Ctrl-P Ctrl-Q leaves
// it running.
import type { ParsedArgs } from '../flags.ts';
import { serverAccess } from '../server/server-access.ts';
import type { attachSpec } from './attach-spec.ts';
import { DETACH_KEYS_NAME } from './detach-keys.ts';
import { runTerminal } from './run-terminal.ts';
import { targetOperand } from './terminal-target.ts';
import { withTarget } from './with-target.ts';
import { idleTimeoutRequest } from './idle-timeout-flag.ts';

export async function attachCommand({ values, operands }: ParsedArgs<typeof attachSpec>): Promise<number> {
  const { pod, namespace } = targetOperand(operands, values, 'octant-exec attach [options] [NAMESPACE/]POD');
  const idle = idleTimeoutRequest(values); // a usage error before the server is asked anything
  const access = serverAccess(values);
  const program = 'octant-exec attach';
  return withTarget(program, access, pod, namespace, values, (target) =>
    runTerminal({
      access,
      program,
      request: { ...target, mode: { kind: 'attach' }, ...idle },
      detachable: true,
      notice: () => `attached to ${target.pod}/${target.container}: ${DETACH_KEYS_NAME} detaches (the process goes on); press Enter if no prompt shows`,
    }),
  );
}

// `octant-exec exec POD [-- COMMAND…]`: a shell, or the command, in a container, in this
// terminal when stdin is one (a TTY), else without one (stdout and stderr apart).
import process from 'node:process';
import type { ParsedArgs } from '../flags.ts';
import { serverAccess } from '../server/server-client.ts';
import type { execSpec } from './exec-spec.ts';
import { runTerminal } from './run-terminal.ts';
import { targetOperand } from './terminal-target.ts';
import { withTarget } from './with-target.ts';

export async function execCommand({ values, operands, command }: ParsedArgs<typeof execSpec>): Promise<number> {
  const { pod, namespace } = targetOperand(operands, values, 'octant-exec exec [options] [NAMESPACE/]POD [-- COMMAND [ARG...]]');
  const access = serverAccess(values);
  const program = 'octant-exec exec';
  return withTarget(program, access, pod, namespace, values, ({ container, ...target }) =>
    runTerminal({
      access,
      program,
      request: { ...target, container, command: command.length > 0 ? { argv: command } : { shell: 'auto' }, ...(process.stdin.isTTY ? {} : { interactive: false, stdin: true }) },
    }),
  );
}

// `octant-exec exec POD [-- COMMAND…]`: a shell, or the command, in a container, in this
// terminal when stdin and stdout are both one (or with -t), else without one (stdout and stderr
// apart and byte-exact, as a file or a pipe they go to needs them).
import process from 'node:process';
import type { ParsedArgs } from '../flags.ts';
import { serverAccess } from '../server/server-client.ts';
import { UsageError } from '../usage.ts';
import type { execSpec } from './exec-spec.ts';
import { runTerminal } from './run-terminal.ts';
import { targetOperand } from './terminal-target.ts';
import { withTarget } from './with-target.ts';

export async function execCommand({ values, operands, command }: ParsedArgs<typeof execSpec>): Promise<number> {
  const { pod, namespace } = targetOperand(operands, values, 'octant-exec exec [options] [NAMESPACE/]POD [-- COMMAND [ARG...]]');
  const tty = wantsTerminal(values.tty === true, process.stdin.isTTY === true, process.stdout.isTTY === true);
  const access = serverAccess(values);
  const program = 'octant-exec exec';
  return withTarget(program, access, pod, namespace, values, ({ container, ...target }) =>
    runTerminal({
      access,
      program,
      tty,
      request: { ...target, container, command: command.length > 0 ? { argv: command } : { shell: 'auto' }, ...(tty ? {} : { interactive: false, stdin: true }) },
    }),
  );
}

/** A terminal when both ends are one (a terminal in the middle would turn output sent to a file into CRLF, stderr mixed in), or when -t asks. */
function wantsTerminal(asked: boolean, stdinIsTerminal: boolean, stdoutIsTerminal: boolean): boolean {
  if (asked && !stdinIsTerminal) throw new UsageError('-t needs stdin to be a terminal: leave it out to pipe stdin (the command then runs without a terminal)');
  return asked || (stdinIsTerminal && stdoutIsTerminal);
}

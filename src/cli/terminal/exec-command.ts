// `octant-exec exec POD [-- COMMAND…]`: a shell, or the command, in a container, in this
// terminal when stdin and stdout are both one (or with -t), else without one (stdout and stderr
// apart and byte-exact, as a file or a pipe they go to needs them).
import process from 'node:process';
import type { ParsedArgs } from '../flags.ts';
import { serverAccess } from '../server/server-access.ts';
import type { execSpec } from './exec-spec.ts';
import { runTerminal } from './run-terminal.ts';
import { targetOperand } from './terminal-target.ts';
import { withTarget } from './with-target.ts';
import { idleTimeoutRequest } from './idle-timeout-flag.ts';
import { UsageError } from '../usage.ts';

export async function execCommand({ values, operands, command, dashes }: ParsedArgs<typeof execSpec>): Promise<number> {
  // `exec web --` with its command forgotten (an empty variable) is no request for a shell: kubectl refuses it too
  if (dashes && command.length === 0) throw new UsageError(`nothing follows --: name the command to run after it (octant-exec exec ${operands[0]?.slice(0, 60) ?? 'POD'} -- COMMAND), or leave out -- for a shell`);
  // `exec web ls`, as old kubectl took it (now refused there too): the words after the pod are a command
  if (operands.length > 1 && command.length === 0) throw new UsageError(`a command goes after --, as kubectl takes it: octant-exec exec ${operands[0].slice(0, 60)} -- ${operands.slice(1).join(' ').slice(0, 100)}`);
  const { pod, namespace } = targetOperand(operands, values, 'octant-exec exec [options] [NAMESPACE/]POD [-- COMMAND [ARG...]]');
  const tty = wantsTerminal(values.tty === true, process.stdin.isTTY === true, process.stdout.isTTY === true);
  const idle = idleTimeoutRequest(values); // a usage error before the server is asked anything
  const access = serverAccess(values);
  const program = 'octant-exec exec';
  return withTarget(program, access, pod, namespace, values, ({ container, ...target }) =>
    runTerminal({
      access,
      program,
      tty,
      request: { ...target, container, command: command.length > 0 ? { argv: command } : { shell: 'auto' }, ...(tty ? {} : { interactive: false, stdin: true }), ...idle },
    }),
  );
}

/**
 * A terminal when both ends are one (a terminal in the middle would turn output sent to a file
 * into CRLF, stderr mixed in), or when -t asks. -t with stdin not a terminal (`exec -it` pasted
 * into a CI job) runs without one, said on stderr, as kubectl does: stopping would fail the job.
 */
function wantsTerminal(asked: boolean, stdinIsTerminal: boolean, stdoutIsTerminal: boolean): boolean {
  if (asked && !stdinIsTerminal) {
    process.stderr.write('octant-exec exec: stdin is not a terminal, so -t is left out: the command runs without one\n');
    return false;
  }
  return asked || (stdinIsTerminal && stdoutIsTerminal);
}

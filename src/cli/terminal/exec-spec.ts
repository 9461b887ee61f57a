// The flags of `octant-exec exec`. Plain data, loaded for --help and completion without the terminal code.
import type { CommandSpec } from '../flags.ts';
import { reconnectNote } from './reconnect-note.ts';
import { idleTimeoutFlag } from './idle-timeout-flag.ts';
import { podOperandNote, serverFlags, serverFooter, targetFlags } from '../server/server-flags.ts';

export const execSpec = {
  name: 'exec',
  usage: 'octant-exec exec [options] [NAMESPACE/]POD [-- COMMAND [ARG...]]',
  summary: 'a shell or a command in a container, in this terminal (kubectl exec -it)',
  about: `Runs through a running octant-exec server, which audits and lists it like a terminal of
the page. Without a command: the container's shell (the server's shells in order). With one
(after --): that program and its arguments, never through a shell.
When stdin and stdout are both terminals, the command gets one (raw keys, this terminal's size,
like kubectl exec -it); otherwise it runs without one (kubectl exec -i): stdin is passed to it
and its end passed on, its stdout and stderr come out apart and byte for byte. Stdin is always
passed: in a loop that reads its own stdin, give the command </dev/null (as with ssh -n). A
pipe goes at half the server's input limit (2 MiB/s by default): files go faster with cp.
  octant-exec exec web                         a shell in web's default container
  octant-exec exec -c nginx web -- ls -l /etc  a command
  octant-exec exec web -- sha256sum < file     a pipe
  octant-exec exec web -- cat /etc/os-release > os.txt   output to a file, as it is`,
  operands: 'pod',
  commandAfterDashes: true,
  flags: {
    ...targetFlags,
    tty: { type: 'boolean', short: 't', help: 'a terminal for the command even when stdout is not one (stdin must\nbe: when it is not, this is left out, saying so, as kubectl does)' },
    stdin: { type: 'boolean', short: 'i', help: "pass stdin (it always is: taken for kubectl exec -i's sake)" },
    ...idleTimeoutFlag,
    ...serverFlags,
  },
  footer: `${podOperandNote}
${serverFooter}
${reconnectNote}
Exit status: the command's own; 1 when it could not run or the connection was lost for good (the
server's sentence on stderr); 2 for a usage error. Killed by SIGINT, SIGTERM or SIGHUP, it ends
the command and dies of the same signal (a loop around it stops, as with kubectl).`,
} as const satisfies CommandSpec;

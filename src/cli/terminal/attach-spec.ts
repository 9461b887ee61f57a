// The flags of `octant-exec attach`. Plain data, loaded for --help and completion without the terminal code.
import type { CommandSpec } from '../flags.ts';
import { reconnectNote } from './reconnect-note.ts';
import { idleTimeoutFlag } from './idle-timeout-flag.ts';
import { podOperandNote, serverFlags, serverFooter, targetFlags } from '../server/server-flags.ts';
import { DETACH_KEYS_NAME } from './detach-keys.ts';

export const attachSpec = {
  name: 'attach',
  usage: 'octant-exec attach [options] [NAMESPACE/]POD',
  summary: "this terminal on a container's main process (kubectl attach -it)",
  about: `Joins the main process of a container whose spec has stdin and tty (an interactive
console, say), through a running octant-exec server. ${DETACH_KEYS_NAME} leaves: only this
client ends, the process goes on and can be attached again. Ctrl-C and Ctrl-D go to the process.`,
  operands: 'pod',
  flags: { ...targetFlags, ...idleTimeoutFlag, ...serverFlags },
  footer: `${podOperandNote}
${serverFooter}
${reconnectNote}
Exit status: 0 after a detach; the process's when it ended (the server reads it from the
container's status: Kubernetes' attach carries none; 0 if the status does not say within 5 s);
1 when the attach failed or the connection was lost for good; 2 for a usage error. Killed by
SIGINT, SIGTERM or SIGHUP, it detaches and dies of the same signal.`,
} as const satisfies CommandSpec;

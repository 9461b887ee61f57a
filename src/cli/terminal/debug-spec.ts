// The flags of `octant-exec debug`. Plain data, loaded for --help and completion without the terminal code.
import type { CommandSpec } from '../flags.ts';
import { reconnectNote } from './reconnect-note.ts';
import { idleTimeoutFlag } from './idle-timeout-flag.ts';
import { podOperandNote, serverFlags, serverFooter, targetFlags } from '../server/server-flags.ts';

export const debugSpec = {
  name: 'debug',
  usage: 'octant-exec debug [options] [NAMESPACE/]POD',
  summary: 'a debug container in a pod, or a debug copy of a crashing pod (kubectl debug -it)',
  about: `Through a running octant-exec server. By default a debug (ephemeral) container of IMAGE
is added to the pod, sharing the target container's processes (its files under
/proc/1/root), and this terminal gets a shell in it: for images without a shell (distroless).
With --copy, for a pod that does not run or keeps crashing: a copy of the pod is made with the
target container kept alive (sleeping), and the shell runs in the copy. The copy is deleted
when this terminal ends.`,
  operands: 'pod',
  flags: {
    ...targetFlags,
    container: { ...targetFlags.container, help: "the target container (default: the pod's default container)" },
    image: { type: 'string', value: 'IMAGE', help: "the debug container's image, one the server allows\n(its --debug-image list; default: the first)" },
    copy: { type: 'boolean', help: 'debug a copy of the pod instead (deleted when this terminal ends)' },
    ...idleTimeoutFlag,
    ...serverFlags,
  },
  footer: `${podOperandNote}
${serverFooter}
${reconnectNote}
Exit status: the shell's (in a debug container the shell is attached to, and Kubernetes'
attach carries no code: the server reads it from the container's status, where kubectl debug
exits 0); 1 when the debug container or the copy could not be made or the connection was lost
for good (the server's sentence on stderr); 2 for a usage error.
Killed by SIGINT, SIGTERM or SIGHUP, it ends the shell and dies of the same signal.`,
} as const satisfies CommandSpec;

// What a debug, copy or attach request becomes before it reaches the actors:
// - attach: only to a container whose spec has stdin (else nothing would read the keystrokes),
//   and it runs no command, so no shell is tried;
// - debug: the shell runs in the debug container (debug-exec.ts adds or reuses it at each run);
//   `auto` means sh, which every debug image has (the target's shells do not matter there);
// - copy: the copy is made here, once, and the terminal runs in it (auto shell as usual); the
//   copy is deleted with the terminal (debug-copies.ts).
import type { ActionMode, ExecCommand } from '../domain/exec-action.ts';
import type { Person } from '../domain/person.ts';
import { notAttachableReason } from '../domain/pod.ts';
import type { ClusterView } from '../adapters/cluster.ts';
import type { PodChanges } from '../adapters/pod-changes.ts';
import type { ExecBody } from './exec-body.ts';
import { HttpError } from './replies.ts';

export interface ModeAction {
  /** the pod the terminal runs in (a copy's own name) */
  pod: string;
  command: ExecCommand;
  mode: ActionMode;
}

export async function modeAction(body: ExecBody & { mode: ActionMode; containers: string[] }, reader: ClusterView, pods: PodChanges, who: { requestedBy: string; person?: Person }): Promise<ModeAction> {
  const [container] = body.containers;
  const { mode } = body;
  switch (mode.kind) {
    case 'attach': {
      const problem = notAttachableReason(await reader.pod(body.namespace, body.pod, body.context), container);
      if (problem) throw new HttpError(409, problem);
      return { pod: body.pod, command: { argv: [] }, mode };
    }
    case 'debug':
      return { pod: body.pod, command: 'shell' in body.command && body.command.shell === 'auto' ? { shell: 'sh' } : body.command, mode };
    case 'copy': {
      const copy = await pods.createCopy({ ...(body.context ? { context: body.context } : {}), namespace: body.namespace, pod: body.pod, container, ...who });
      return { pod: copy, command: body.command, mode: { kind: 'copy', source: body.pod } };
    }
    default:
      throw new HttpError(400, `A ${mode.kind} action is not taken here.`);
  }
}

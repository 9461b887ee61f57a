// What the file routes need from an API call: the system that runs the transfer, who it is for
// (the signed-in person in a team mode, impersonated by every cluster call), and its container.
import type { ClusterView } from '../../adapters/cluster.ts';
import type { ExecAction } from '../../domain/exec-action.ts';
import type { ExecSystem } from '../../runtime/exec-system.ts';
import { HttpError } from '../replies.ts';
import type { TransferTarget } from './transfer-run.ts';
import type { TransferParams } from './transfer-params.ts';

export interface FilesCall {
  system: ExecSystem;
  /** reads as the caller */
  reader: ClusterView;
  who: Pick<ExecAction, 'requestedBy' | 'person'>;
}

/** The container asked for, else the pod's default one (as kubectl cp picks it). */
export async function transferTarget(call: FilesCall, params: TransferParams): Promise<TransferTarget> {
  const { context, namespace, pod } = params;
  let container = params.container;
  if (!container) {
    const summary = await call.reader.pod(namespace, pod, context);
    container = summary.defaultContainer ?? summary.containers[0]?.name;
    if (!container) throw new HttpError(409, `Pod "${pod}" has no container to copy files with.`);
  }
  return { ...(context !== undefined ? { context } : {}), namespace, pod, container };
}

// A container's runs as its pod's status tells them (attach-exit.ts reads them for an attached
// process's exit code): read as the person the attach was for, so the cluster's RBAC decides.
import type { V1Pod } from '@kubernetes/client-node';
import type { ContainerRun, ContainerRuns } from '../attach-exit.ts';
import type { ExecTarget } from '../../domain/target.ts';
import type { Person } from '../../domain/person.ts';
import type { ClusterReader } from './cluster.ts';

/** The container's status in whichever list holds it (an attach reaches debug and init containers too). */
export function containerRun(pod: V1Pod, container: string): ContainerRun | undefined {
  const { status } = pod;
  const found = [...(status?.containerStatuses ?? []), ...(status?.ephemeralContainerStatuses ?? []), ...(status?.initContainerStatuses ?? [])].find((s) => s.name === container);
  if (!found) return undefined;
  const terminated = found.state?.terminated;
  const last = found.lastState?.terminated;
  return {
    restarts: found.restartCount ?? 0,
    ...(found.containerID ? { containerId: found.containerID } : {}),
    ...(terminated ? { exitCode: terminated.exitCode, ...(terminated.containerID ? { exitContainerId: terminated.containerID } : {}) } : {}),
    ...(last ? { lastExitCode: last.exitCode, ...(last.containerID ? { lastContainerId: last.containerID } : {}) } : {}),
  };
}

export class KubeContainerRuns implements ContainerRuns {
  constructor(private readonly reader: ClusterReader) {}

  async run({ context, namespace, pod, container }: ExecTarget, person?: Person): Promise<ContainerRun | undefined> {
    const view = person ? this.reader.as(person) : this.reader;
    return containerRun(await view.core(context, 'get', 'pods', namespace, (api, options) => api.readNamespacedPod({ namespace, name: pod }, options)), container);
  }
}

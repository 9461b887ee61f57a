// From a Kubernetes Pod object to the PodSummary the UI and the exec actions use.
import type { V1Container, V1ContainerStatus, V1EphemeralContainer, V1Pod } from '@kubernetes/client-node';
import { isSidecar, runsWithPod, type ContainerInfo, type ContainerKind, type PodSummary } from '../../domain/pod.ts';
import { podStatusText } from '../../domain/pod-status.ts';

const defaultContainerAnnotation = 'kubectl.kubernetes.io/default-container';

export function podSummary(pod: V1Pod): PodSummary {
  const statuses = new Map<string, V1ContainerStatus>();
  for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])]) {
    statuses.set(status.name, status);
  }
  const describe = (container: V1Container | V1EphemeralContainer, kind: ContainerKind): ContainerInfo => {
    const { name } = container;
    const base = { name, kind, image: container.image ?? '', ready: statuses.get(name)?.ready ?? false, ...(container.stdin ? { stdin: true } : {}), ...(container.tty ? { tty: true } : {}) };
    const state = statuses.get(name)?.state;
    if (state?.running) return { ...base, state: 'running' };
    if (state?.waiting) return { ...base, state: 'waiting', reason: state.waiting.reason };
    if (state?.terminated) return { ...base, state: 'terminated', reason: state.terminated.reason, exitCode: state.terminated.exitCode };
    return { ...base, state: 'unknown' };
  };
  const containers = [
    ...(pod.spec?.initContainers ?? []).map((c) => describe(c, isSidecar(c) ? 'sidecar' : 'init')),
    ...(pod.spec?.containers ?? []).map((c) => describe(c, 'regular')),
    ...(pod.spec?.ephemeralContainers ?? []).map((c) => describe(c, 'ephemeral')),
  ];
  const regular = containers.filter((c) => c.kind === 'regular');
  const counted = containers.filter(runsWithPod);
  const annotated = pod.metadata?.annotations?.[defaultContainerAnnotation];
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    status: podStatusText(pod.status ?? {}, pod.spec?.containers?.length ?? 0, !!pod.metadata?.deletionTimestamp),
    createdAt: pod.metadata?.creationTimestamp ? new Date(pod.metadata.creationTimestamp).toISOString() : undefined,
    labels: pod.metadata?.labels ?? {},
    containers,
    defaultContainer: annotated && regular.some((c) => c.name === annotated) ? annotated : regular[0]?.name,
    ready: { ready: counted.filter((c) => c.ready).length, total: counted.length },
  };
}

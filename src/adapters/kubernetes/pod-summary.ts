// From a Kubernetes Pod object to the PodSummary the UI and the exec actions use.
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { ContainerInfo, ContainerKind, PodSummary } from '../../domain/pod.ts';

const defaultContainerAnnotation = 'kubectl.kubernetes.io/default-container';

export function podSummary(pod: V1Pod): PodSummary {
  const statuses = new Map<string, V1ContainerStatus>();
  for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])]) {
    statuses.set(status.name, status);
  }
  const describe = (name: string, kind: ContainerKind): ContainerInfo => {
    const state = statuses.get(name)?.state;
    const ready = statuses.get(name)?.ready ?? false;
    if (state?.running) return { name, kind, state: 'running', ready };
    if (state?.waiting) return { name, kind, state: 'waiting', reason: state.waiting.reason, ready };
    if (state?.terminated) return { name, kind, state: 'terminated', reason: state.terminated.reason, exitCode: state.terminated.exitCode, ready };
    return { name, kind, state: 'unknown', ready };
  };
  const containers = [
    ...(pod.spec?.initContainers ?? []).map((c) => describe(c.name, 'init')),
    ...(pod.spec?.containers ?? []).map((c) => describe(c.name, 'regular')),
    ...(pod.spec?.ephemeralContainers ?? []).map((c) => describe(c.name, 'ephemeral')),
  ];
  const regular = containers.filter((c) => c.kind === 'regular');
  const annotated = pod.metadata?.annotations?.[defaultContainerAnnotation];
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    createdAt: pod.metadata?.creationTimestamp ? new Date(pod.metadata.creationTimestamp).toISOString() : undefined,
    labels: pod.metadata?.labels ?? {},
    containers,
    defaultContainer: annotated && regular.some((c) => c.name === annotated) ? annotated : regular[0]?.name,
    ready: { ready: regular.filter((c) => c.ready).length, total: regular.length },
  };
}

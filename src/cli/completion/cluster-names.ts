// Names for completion that only the kubeconfig and the cluster know: contexts (from the
// kubeconfig alone), namespaces, pods and their containers (asked of the cluster, as the user's
// own identity). No kubeconfig, no answer in time, or a refusal: no names, and the shell goes on
// without them.
import { ClusterReader } from '../../adapters/kubernetes/cluster.ts';
import { within } from '../../domain/within.ts';
import { findKubeconfig } from '../../runtime/cluster-choice.ts';
import type { ClusterNameKind, Given } from './complete.ts';

/** Longer than this, a completion is worse than none. */
const DEADLINE_MS = 3000;

export async function clusterNames(kind: ClusterNameKind, given: Given): Promise<string[]> {
  const found = findKubeconfig({ kubeconfig: given.kubeconfig, context: given.context });
  if (!found || 'problem' in found) return [];
  if (kind === 'context') return found.contexts.names();
  const reader = new ClusterReader(found.contexts);
  const namespace = given.namespace ?? found.contexts.defaultNamespace();
  const asked = kind === 'namespace' ? reader.namespaces() : kind === 'container' ? containersOf(reader, namespace, given) : reader.pods(namespace).then((pods) => pods.map((pod) => pod.name));
  const names = await within(asked.catch(() => []), DEADLINE_MS);
  return names === 'late' ? [] : names;
}

/** Every container name of the pods named, or of those the selector picks (none of either: none). */
async function containersOf(reader: ClusterReader, namespace: string, given: Given): Promise<string[]> {
  const pods = given.pods ? await Promise.all(given.pods.map((pod) => reader.pod(namespace, pod).catch(() => undefined))) : given.selector !== undefined ? await reader.pods(namespace, { labelSelector: given.selector }) : [];
  return [...new Set(pods.flatMap((pod) => pod?.containers.map((container) => container.name) ?? []))];
}

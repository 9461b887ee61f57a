// Names for completion that only the kubeconfig and the cluster know: contexts (from the
// kubeconfig alone), namespaces and pods (asked of the cluster, as the user's own identity). No
// kubeconfig, no answer in time, or a refusal: no names, and the shell goes on without them.
import { ClusterReader } from '../../adapters/kubernetes/cluster.ts';
import { findKubeconfig } from '../../runtime/cluster-choice.ts';
import type { ClusterNameKind, Given } from './complete.ts';

/** Longer than this, a completion is worse than none. */
const DEADLINE_MS = 3000;

export async function clusterNames(kind: ClusterNameKind, given: Given): Promise<string[]> {
  const found = findKubeconfig({ kubeconfig: given.kubeconfig, context: given.context });
  if (!found || 'problem' in found) return [];
  if (kind === 'context') return found.contexts.names();
  const reader = new ClusterReader(found.contexts);
  const asked = kind === 'namespace' ? reader.namespaces() : reader.pods(given.namespace ?? found.contexts.defaultNamespace()).then((pods) => pods.map((pod) => pod.name));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<string[]>((resolve) => (timer = setTimeout(() => resolve([]), DEADLINE_MS)));
  try {
    return await Promise.race([asked.catch(() => []), late]);
  } finally {
    clearTimeout(timer);
  }
}

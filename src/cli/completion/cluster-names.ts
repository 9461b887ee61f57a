// Names for completion that only the kubeconfig and the cluster know: contexts (from the
// kubeconfig alone), namespaces, pods and their containers (asked of the cluster, as the user's
// own identity). Without -n, pods are looked for where the command will look: for a client of a
// running server (exec, attach, debug, cp) the namespace of the server's context, asked of it
// (server-namespace.ts), else, or when no server answers, the kubeconfig's. No kubeconfig, no
// answer in time, or a refusal: no names, and the shell goes on without them.
import { ClusterReader } from '../../adapters/kubernetes/cluster.ts';
import type { KubeContexts } from '../../adapters/kubernetes/kubeconfig.ts';
import { within } from '../../domain/within.ts';
import { findKubeconfig } from '../../runtime/cluster-choice.ts';
import { serverAccess } from '../server/server-access.ts';
import { serverNamespace } from '../server/server-namespace.ts';
import type { ClusterNameKind, Given } from './complete.ts';

/** Longer than this, a completion is worse than none. */
const DEADLINE_MS = 3000;
/** the server's share of it: one that took the connection and says nothing (a dead port-forward) leaves time for the kubeconfig's guess */
const SERVER_WAIT_MS = 1000;

export async function clusterNames(kind: ClusterNameKind, given: Given): Promise<string[]> {
  const found = findKubeconfig({ kubeconfig: given.kubeconfig, context: given.context });
  if (!found || 'problem' in found) return [];
  if (kind === 'context') return found.contexts.names();
  const reader = new ClusterReader(found.contexts);
  const asked = kind === 'namespace' ? reader.namespaces() : namespaceFor(given, found.contexts).then((namespace) => (kind === 'container' ? containersOf(reader, namespace, given) : reader.pods(namespace).then((pods) => pods.map((pod) => pod.name))));
  const names = await within(asked.catch(() => []), DEADLINE_MS);
  return names === 'late' ? [] : names;
}

/** -n, or the namespace the command takes without it: its server's context's, else the kubeconfig's. */
async function namespaceFor(given: Given, contexts: KubeContexts): Promise<string> {
  if (given.namespace !== undefined) return given.namespace;
  if (given.server) {
    try {
      // no warning of a too open --token-file (or cookie file) here: a completion's stderr lands in the middle of the command line being typed
      const access = serverAccess({ server: given.server.url, 'token-file': given.server.tokenFile, 'cookie-file': given.server.cookieFile }, undefined, () => {});
      return await serverNamespace({ ...access, answerWaitMs: SERVER_WAIT_MS }, given.context);
    } catch {
      // no server given, or none answers: the command will say so; the kubeconfig's is the best guess
    }
  }
  return contexts.defaultNamespace();
}

/** Every container name of the pods named, or of those the selector picks (none of either: none). */
async function containersOf(reader: ClusterReader, namespace: string, given: Given): Promise<string[]> {
  const pods = given.pods ? await Promise.all(given.pods.map((pod) => reader.pod(namespace, pod).catch(() => undefined))) : given.selector !== undefined ? await reader.pods(namespace, { labelSelector: given.selector }) : [];
  return [...new Set(pods.flatMap((pod) => pod?.containers.map((container) => container.name) ?? []))];
}

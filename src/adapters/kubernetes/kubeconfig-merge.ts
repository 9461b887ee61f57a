// Several kubeconfig files read as kubectl reads $KUBECONFIG: one config in which the first file
// to name a cluster, user or context keeps that name, and the first to set current-context sets
// it. So a context in one file may point at a cluster and user defined in another. Each file was
// loaded on its own first (client-node's loadFromFile), which makes its relative paths absolute
// against its own folder: an entry means in the merge what it meant in its file.
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';

export function mergeKubeconfigs(configs: KubeConfig[]): KubeConfig {
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: firstOfEachName(configs.map((config) => config.clusters)),
    users: firstOfEachName(configs.map((config) => config.users)),
    contexts: firstOfEachName(configs.map((config) => config.contexts)),
    currentContext: configs.find((config) => config.currentContext)?.currentContext ?? '',
  });
  return merged;
}

function firstOfEachName<T extends { name: string }>(lists: T[][]): T[] {
  const byName = new Map<string, T>();
  for (const item of lists.flat()) if (!byName.has(item.name)) byName.set(item.name, item);
  return [...byName.values()];
}

// Reading the cluster for a dashboard: namespaces, pods with their containers, live pod changes.
// Always as the user's own kubeconfig identity.
import { CoreV1Api, Watch, type V1Pod } from '@kubernetes/client-node';
import type { PodSummary } from '../../domain/pod.ts';
import type { KubeContexts } from './kubeconfig.ts';
import { podSummary } from './pod-summary.ts';

export type PodChange = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; pod: PodSummary };

export class ClusterReader {
  constructor(private readonly contexts: KubeContexts) {}

  #api(context?: string): CoreV1Api {
    return this.contexts.config(context).makeApiClient(CoreV1Api);
  }

  async namespaces(context?: string): Promise<string[]> {
    const list = await this.#api(context).listNamespace();
    return list.items.map((ns) => ns.metadata?.name ?? '').filter(Boolean);
  }

  async pods(namespace: string, options: { context?: string; labelSelector?: string } = {}): Promise<PodSummary[]> {
    const list = await this.#api(options.context).listNamespacedPod({ namespace, labelSelector: options.labelSelector });
    return list.items.map(podSummary);
  }

  async pod(namespace: string, name: string, context?: string): Promise<PodSummary> {
    return podSummary(await this.#api(context).readNamespacedPod({ name, namespace }));
  }

  /** Follow a namespace's pods until `stop()`; `ended` reports why the watch ended (restart it then). */
  async watchPods(namespace: string, onChange: (change: PodChange) => void, ended: (error?: unknown) => void, context?: string): Promise<{ stop(): void }> {
    const watch = new Watch(this.contexts.config(context));
    const controller = await watch.watch(
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
      {},
      (type: string, object: V1Pod) => {
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') onChange({ type, pod: podSummary(object) });
      },
      (error: unknown) => ended(error),
    );
    return { stop: () => controller.abort() };
  }
}

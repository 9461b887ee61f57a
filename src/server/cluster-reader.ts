// What the pages need to know about the cluster: contexts, namespaces, pods with their
// containers and states. Read through @kubernetes/client-node with the user's own kubeconfig
// identity (SECURITY.md item 8); a refusal becomes a sentence naming the missing permission.
// Names are validated before any call (SECURITY.md item 4).
import { ApiException, CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { KubeContexts } from '../adapters/kubernetes/kubeconfig.ts';
import { nameProblem } from '../domain/names.ts';
import { HttpError } from './replies.ts';

export type ContainerState = 'running' | 'waiting' | 'terminated' | 'unknown';

export interface ContainerView {
  name: string;
  image: string;
  state: ContainerState;
  /** waiting/terminated reason (CrashLoopBackOff, Completed, …) */
  reason?: string;
  ready: boolean;
}

export interface PodView {
  namespace: string;
  name: string;
  phase: string;
  labels: Record<string, string>;
  /** kubectl's default container: the annotation, else the first container */
  defaultContainer?: string;
  containers: ContainerView[];
}

export interface ContextView {
  name: string;
  current: boolean;
  user: string;
  server: string;
  namespace: string;
}

export class ClusterReader {
  readonly #apis = new Map<string, CoreV1Api>();

  constructor(readonly contexts: KubeContexts) {}

  listContexts(): ContextView[] {
    return this.contexts.names().map((name) => ({
      name,
      current: name === this.contexts.current,
      user: this.contexts.user(name),
      server: this.contexts.server(name),
      namespace: this.contexts.defaultNamespace(name),
    }));
  }

  async namespaces(context?: string): Promise<string[]> {
    const list = await this.#call(context, 'list', 'namespaces', undefined, (api) => api.listNamespace());
    return list.items.map((ns) => ns.metadata?.name ?? '').filter(Boolean);
  }

  async pods(namespace: string, context?: string): Promise<PodView[]> {
    checkName('namespace', namespace);
    const list = await this.#call(context, 'list', 'pods', namespace, (api) => api.listNamespacedPod({ namespace }));
    return list.items.map(podView);
  }

  /** The pods as the cluster has them, with the list's resourceVersion (where a watch starts). */
  async podList(namespace: string, context?: string): Promise<{ pods: V1Pod[]; resourceVersion?: string }> {
    checkName('namespace', namespace);
    const list = await this.#call(context, 'list', 'pods', namespace, (api) => api.listNamespacedPod({ namespace }));
    return { pods: list.items, resourceVersion: list.metadata?.resourceVersion };
  }

  /** The kubeconfig for a context, checked to exist (404 otherwise). */
  config(context?: string): KubeConfig {
    if (context !== undefined && !this.contexts.names().includes(context)) throw new HttpError(404, `Context "${context}" is not in the kubeconfig.`);
    return this.contexts.config(context);
  }

  async pod(namespace: string, name: string, context?: string): Promise<PodView> {
    checkName('namespace', namespace);
    checkName('pod', name);
    return podView(await this.#call(context, 'get', 'pods', namespace, (api) => api.readNamespacedPod({ namespace, name })));
  }

  #api(context?: string): CoreV1Api {
    const name = context ?? this.contexts.current;
    let api = this.#apis.get(name);
    if (!api) {
      try {
        api = this.contexts.config(name).makeApiClient(CoreV1Api);
      } catch (error) {
        throw new HttpError(404, (error as Error).message);
      }
      this.#apis.set(name, api);
    }
    return api;
  }

  async #call<T>(context: string | undefined, verb: string, resource: string, namespace: string | undefined, call: (api: CoreV1Api) => Promise<T>): Promise<T> {
    if (context !== undefined && !this.contexts.names().includes(context)) throw new HttpError(404, `Context "${context}" is not in the kubeconfig; it has: ${this.contexts.names().join(', ')}.`);
    const api = this.#api(context);
    try {
      return await call(api);
    } catch (error) {
      throw clusterError(error, verb, resource, namespace, this.contexts.server(context));
    }
  }
}

export function checkName(kind: 'namespace' | 'pod' | 'container', value: unknown): asserts value is string {
  const problem = nameProblem(kind, value);
  if (problem) throw new HttpError(400, problem);
}

export function podView(pod: V1Pod): PodView {
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  const containers = (pod.spec?.containers ?? []).map((c): ContainerView => {
    const status = statuses.get(c.name);
    const state: ContainerState = status?.state?.running ? 'running' : status?.state?.waiting ? 'waiting' : status?.state?.terminated ? 'terminated' : 'unknown';
    const reason = status?.state?.waiting?.reason ?? status?.state?.terminated?.reason;
    return { name: c.name, image: c.image ?? '', state, ...(reason ? { reason } : {}), ready: status?.ready ?? false };
  });
  const annotated = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  const defaultContainer = containers.some((c) => c.name === annotated) ? annotated : containers[0]?.name;
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    labels: pod.metadata?.labels ?? {},
    ...(defaultContainer ? { defaultContainer } : {}),
    containers,
  };
}

function clusterError(error: unknown, verb: string, resource: string, namespace: string | undefined, server: string): HttpError {
  const where = namespace ? ` in namespace "${namespace}"` : '';
  if (error instanceof ApiException) {
    const said = clusterMessage(error.body);
    if (error.code === 401) return new HttpError(401, `The cluster did not accept your credentials (401): they are missing, expired or invalid. Refresh your kubeconfig and check with "kubectl get pods".${said}`);
    if (error.code === 403) return new HttpError(403, `You are not allowed to ${verb} ${resource}${where}: this needs the "${verb}" verb on "${resource}". Ask a cluster admin for a Role that grants it.${said}`);
    if (error.code === 404) return new HttpError(404, `Not found${where}.${said}`);
    return new HttpError(502, `The cluster answered ${error.code} to ${verb} ${resource}${where}.${said}`);
  }
  const e = error as { code?: string; message?: string };
  return new HttpError(502, `Could not reach the cluster at ${server} (${e.code ?? e.message ?? 'network error'}).`);
}

function clusterMessage(body: unknown): string {
  try {
    const parsed = typeof body === 'string' ? JSON.parse(body) : body;
    const message = (parsed as { message?: unknown })?.message;
    return typeof message === 'string' ? ` The cluster said: ${message}` : '';
  } catch {
    return '';
  }
}

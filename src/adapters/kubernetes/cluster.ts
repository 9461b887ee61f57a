// Reading the cluster for a dashboard: contexts, namespaces, pods with their containers and
// states. Always as the user's own kubeconfig identity (SECURITY.md item 8); names are checked
// before any call (item 4); a refusal becomes a ClusterError whose sentence names what is missing.
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { nameProblem, type NameKind } from '../../domain/names.ts';
import type { ContextSummary, PodSummary } from '../../domain/pod.ts';
import type { KubeContexts } from './kubeconfig.ts';
import { podSummary } from './pod-summary.ts';
import { ClusterError, type ClusterView } from '../cluster.ts';

type CoreApi = typeof import('./core-api.ts');
type CoreV1Api = InstanceType<CoreApi['CoreV1Api']>;

let coreApi: Promise<CoreApi> | undefined;

/** Loaded at the first call (see core-api.ts). */
function loadCoreApi(): Promise<CoreApi> {
  return (coreApi ??= import('./core-api.ts'));
}

export class ClusterReader implements ClusterView {
  readonly #apis = new Map<string, CoreV1Api>();

  constructor(readonly contexts: KubeContexts) {}

  listContexts(): ContextSummary[] {
    return this.contexts.names().map((name) => ({
      name,
      current: name === this.contexts.current,
      user: this.contexts.user(name),
      server: this.contexts.server(name),
      namespace: this.contexts.defaultNamespace(name),
    }));
  }

  userOf(context?: string): string {
    return this.contexts.user(context);
  }

  async namespaces(context?: string): Promise<string[]> {
    const list = await this.#call(context, 'list', 'namespaces', undefined, (api) => api.listNamespace());
    return list.items.map((ns) => ns.metadata?.name ?? '').filter(Boolean);
  }

  async pods(namespace: string, options: { context?: string; labelSelector?: string } = {}): Promise<PodSummary[]> {
    return (await this.podList(namespace, options)).pods.map(podSummary);
  }

  /** The pods as the cluster has them, with the list's resourceVersion (where a watch starts). */
  async podList(namespace: string, options: { context?: string; labelSelector?: string } = {}): Promise<{ pods: V1Pod[]; resourceVersion?: string }> {
    checkName('namespace', namespace);
    const list = await this.#call(options.context, 'list', 'pods', namespace, (api) => api.listNamespacedPod({ namespace, labelSelector: options.labelSelector }));
    return { pods: list.items, resourceVersion: list.metadata?.resourceVersion };
  }

  async pod(namespace: string, name: string, context?: string): Promise<PodSummary> {
    checkName('namespace', namespace);
    checkName('pod', name);
    return podSummary(await this.#call(context, 'get', 'pods', namespace, (api) => api.readNamespacedPod({ namespace, name })));
  }

  /** The kubeconfig for a context, checked to exist. */
  config(context?: string): KubeConfig {
    this.#checkContext(context);
    return this.contexts.config(context);
  }

  #checkContext(context: string | undefined): void {
    if (context !== undefined && !this.contexts.names().includes(context)) {
      throw new ClusterError(404, `Context "${context}" is not in the kubeconfig; it has: ${this.contexts.names().join(', ')}.`);
    }
  }

  #api(context: string | undefined, core: CoreApi): CoreV1Api {
    const name = context ?? this.contexts.current;
    let api = this.#apis.get(name);
    if (!api) {
      api = this.contexts.config(name).makeApiClient(core.CoreV1Api);
      this.#apis.set(name, api);
    }
    return api;
  }

  async #call<T>(context: string | undefined, verb: string, resource: string, namespace: string | undefined, call: (api: CoreV1Api) => Promise<T>): Promise<T> {
    this.#checkContext(context);
    const core = await loadCoreApi();
    try {
      return await call(this.#api(context, core));
    } catch (error) {
      throw clusterError(error, core.ApiException, verb, resource, namespace, this.contexts.server(context));
    }
  }
}

function checkName(kind: NameKind, value: unknown): void {
  const problem = nameProblem(kind, value);
  if (problem) throw new ClusterError(400, problem);
}

function clusterError(error: unknown, ApiException: CoreApi['ApiException'], verb: string, resource: string, namespace: string | undefined, server: string): ClusterError {
  const where = namespace ? ` in namespace "${namespace}"` : '';
  if (error instanceof ApiException) {
    const said = clusterMessage(error.body);
    if (error.code === 401) return new ClusterError(401, `The cluster did not accept your credentials (401): they are missing, expired or invalid. Refresh your kubeconfig and check with "kubectl get pods".${said}`);
    if (error.code === 403) return new ClusterError(403, `You are not allowed to ${verb} ${resource}${where}: this needs the "${verb}" verb on "${resource}". Ask a cluster admin for a Role that grants it.${said}`);
    if (error.code === 404) return new ClusterError(404, `Not found${where}.${said}`);
    return new ClusterError(502, `The cluster answered ${error.code} to ${verb} ${resource}${where}.${said}`);
  }
  const e = error as { code?: string; message?: string };
  return new ClusterError(502, `Could not reach the cluster at ${server} (${e.code ?? e.message ?? 'network error'}).`);
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

// Reading the cluster for a dashboard: contexts, namespaces, pods with their containers and
// states, and "may I" answers. As the kubeconfig's own identity (SECURITY.md item 8), or, through
// `as(person)`, as that person: impersonated with the server's own credentials, so the cluster's
// RBAC decides what they see. Names are checked before any call (item 4); a refusal becomes a
// ClusterError whose sentence names what is missing.
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { nameProblem, type NameKind } from '../../domain/names.ts';
import type { Person } from '../../domain/person.ts';
import { byName, type ContextSummary, type PodSummary } from '../../domain/pod.ts';
import type { KubeContexts } from './kubeconfig.ts';
import { podSummary } from './pod-summary.ts';
import { AccessAnswers, accessAnswer, accessCheckProblem, reviewBody, type AccessAnswerOptions } from './access-review.ts';
import { impersonating, personKey, personProblem } from './impersonation.ts';
import { impersonationRefusal, unreachedLasts, unreachedSentence } from './status.ts';
import { askingAgain, busySentence, isBusy } from './asking-again.ts';
import { ClusterError, type AccessAnswer, type AccessCheck, type ClusterView } from '../cluster.ts';

type CoreApi = typeof import('./core-api.ts');
type Apis = { core: InstanceType<CoreApi['CoreV1Api']>; authorization: InstanceType<CoreApi['AuthorizationV1Api']> };
export type CallOptions = { httpApi: ReturnType<CoreApi['impersonatingHttp']> } | undefined;

let coreApi: Promise<CoreApi> | undefined;

/** Loaded at the first call (see core-api.ts). */
function loadCoreApi(): Promise<CoreApi> {
  return (coreApi ??= import('./core-api.ts'));
}

export type ClusterReaderOptions = AccessAnswerOptions;

/** What every view of one reader shares: one API client per context, and the kept access answers. */
interface Shared {
  apis: Map<string, Apis>;
  answers: AccessAnswers;
}

export class ClusterReader implements ClusterView {
  #shared: Shared;
  #person: Person | undefined;
  /** the person's HTTP library, made at the view's first call */
  #options: CallOptions;

  constructor(
    readonly contexts: KubeContexts,
    options: ClusterReaderOptions = {},
  ) {
    this.#shared = { apis: new Map(), answers: new AccessAnswers(options) };
  }

  /** A view acting as `person`, sharing this reader's clients and answers: one object, nothing registered. */
  as(person: Person): ClusterReader {
    const view = new ClusterReader(this.contexts);
    view.#shared = this.#shared;
    view.#person = person;
    return view;
  }

  /** whom this view acts as; undefined: the kubeconfig's own identity */
  get person(): Person | undefined {
    return this.#person;
  }

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
    const user = this.contexts.user(context); // throws for a context that does not exist
    return this.#person?.user ?? user;
  }

  async namespaces(context?: string): Promise<string[]> {
    const list = await this.#call(context, 'list', 'namespaces', undefined, (apis, options) => apis.core.listNamespace({}, options));
    return list.items.map((ns) => ns.metadata?.name ?? '').filter(Boolean);
  }

  async pods(namespace: string, options: { context?: string; labelSelector?: string } = {}): Promise<PodSummary[]> {
    // sorted as a watch's pushes are (pod-watches.ts), whatever order the API server kept
    return (await this.podList(namespace, options)).pods.map(podSummary).sort(byName);
  }

  /** The pods as the cluster has them, with the list's resourceVersion (where a watch starts). */
  async podList(namespace: string, options: { context?: string; labelSelector?: string } = {}): Promise<{ pods: V1Pod[]; resourceVersion?: string }> {
    checkName('namespace', namespace);
    const list = await this.#call(options.context, 'list', 'pods', namespace, (apis, call) => apis.core.listNamespacedPod({ namespace, labelSelector: options.labelSelector }, call));
    return { pods: list.items, resourceVersion: list.metadata?.resourceVersion };
  }

  async pod(namespace: string, name: string, context?: string): Promise<PodSummary> {
    checkName('namespace', namespace);
    checkName('pod', name);
    return podSummary(await this.#call(context, 'get', 'pods', namespace, (apis, options) => apis.core.readNamespacedPod({ namespace, name }, options)));
  }

  canI(check: AccessCheck): Promise<AccessAnswer> {
    const problem = accessCheckProblem(check);
    if (problem) return Promise.reject(new ClusterError(400, problem));
    const question = [check.context ?? this.contexts.current, check.namespace, check.verb, check.resource, check.subresource ?? ''];
    return this.#shared.answers.answer(`${personKey(this.#person)}\n${JSON.stringify(question)}`, async () => {
      const review = await this.#call(check.context, 'create', 'selfsubjectaccessreviews', undefined, (apis, options) => apis.authorization.createSelfSubjectAccessReview({ body: reviewBody(check) }, options));
      return accessAnswer(check, review.status);
    });
  }

  /**
   * Any core API call (the pod changes of debug-pods.ts: ephemeral containers, copies), made as
   * this view's person like the reads, a refusal becoming the same ClusterError sentence.
   */
  core<T>(context: string | undefined, verb: string, resource: string, namespace: string, call: (api: Apis['core'], options: CallOptions) => Promise<T>): Promise<T> {
    checkName('namespace', namespace);
    return this.#call(context, verb, resource, namespace, (apis, options) => call(apis.core, options));
  }

  /** The kubeconfig for a context, checked to exist; impersonating the person of an `as` view. */
  config(context?: string): KubeConfig {
    this.#checkContext(context);
    this.#checkPerson();
    const config = this.contexts.config(context);
    return this.#person ? impersonating(config, this.#person) : config;
  }

  #checkContext(context: string | undefined): void {
    if (context !== undefined && !this.contexts.names().includes(context)) {
      throw new ClusterError(404, `Context "${context}" is not in the kubeconfig; it has: ${this.contexts.names().join(', ')}.`);
    }
  }

  /** Nothing with a control character reaches a header line: refused before any request. */
  #checkPerson(): void {
    const problem = this.#person && personProblem(this.#person);
    if (problem) throw new ClusterError(400, `${problem} Nothing was sent; sign in again.`);
  }

  #apis(context: string | undefined, core: CoreApi): Apis {
    const name = context ?? this.contexts.current;
    let apis = this.#shared.apis.get(name);
    if (!apis) {
      const config = this.contexts.config(name);
      apis = { core: config.makeApiClient(core.CoreV1Api), authorization: config.makeApiClient(core.AuthorizationV1Api) };
      this.#shared.apis.set(name, apis);
    }
    return apis;
  }

  async #call<T>(context: string | undefined, verb: string, resource: string, namespace: string | undefined, call: (apis: Apis, options: CallOptions) => Promise<T>): Promise<T> {
    this.#checkContext(context);
    this.#checkPerson();
    const core = await loadCoreApi();
    if (this.#person) this.#options ??= { httpApi: core.impersonatingHttp(this.#person) };
    let apis: Apis;
    try {
      apis = this.#apis(context, core);
    } catch (error) {
      // the kubeconfig cannot reach this context's cluster (its proxy from the environment is one it cannot use): nothing will mend it by itself
      throw new ClusterUnreached((error as Error).message, true);
    }
    try {
      const refusal = (error: unknown) => (error instanceof core.ApiException ? { code: error.code, retryAfter: error.headers['retry-after'] } : undefined);
      return await askingAgain(this.contexts.config(context), () => call(apis, this.#options), refusal);
    } catch (error) {
      throw clusterError(error, core.ApiException, verb, resource, namespace, this.contexts.server(context), this.#person);
    }
  }
}

/** Nothing reached the cluster. `lasts`: waiting will not mend it (a credential plugin that fails, a certificate not trusted). */
export class ClusterUnreached extends ClusterError {
  constructor(
    message: string,
    readonly lasts: boolean,
  ) {
    super(502, message);
  }
}

function checkName(kind: NameKind, value: unknown): void {
  const problem = nameProblem(kind, value);
  if (problem) throw new ClusterError(400, problem);
}

function clusterError(error: unknown, ApiException: CoreApi['ApiException'], verb: string, resource: string, namespace: string | undefined, server: string, person: Person | undefined): ClusterError {
  const where = namespace ? ` in namespace "${namespace}"` : '';
  if (error instanceof ApiException) {
    const message = clusterMessage(error.body);
    const said = message ? ` The cluster said: ${message}` : '';
    if (error.code === 401) return new ClusterError(401, `The cluster did not accept your credentials (401): they are missing, expired or invalid. Refresh your kubeconfig and check with "kubectl get pods".${said}`);
    const refusal = error.code === 403 ? impersonationRefusal({ message }) : undefined;
    if (refusal) return new ClusterError(403, refusal);
    const who = person ? `${JSON.stringify(person.user)} is` : 'You are';
    if (error.code === 403) return new ClusterError(403, `${who} not allowed to ${verb} ${resource}${where}: this needs the "${verb}" verb on "${resource}". Ask a cluster admin for a Role that grants it.${said}`);
    if (error.code === 404) return new ClusterError(404, `Not found${where}.${said}`);
    // the question was wrong (a label selector the cluster cannot parse): the asker's to mend, not a broken cluster
    if (error.code === 400 || error.code === 422) return new ClusterError(400, `The cluster could not ${verb} ${resource}${where} as asked (${error.code}).${said}`);
    if (isBusy(error.code)) return new ClusterError(503, `${busySentence(error.code, `${verb} ${resource}${where}`)}${said}`);
    return new ClusterError(502, `The cluster answered ${error.code} to ${verb} ${resource}${where}.${said}`);
  }
  return new ClusterUnreached(unreachedSentence(server, error), unreachedLasts(error));
}

/** The message of the Status the cluster answered with, or ''. */
function clusterMessage(body: unknown): string {
  try {
    const parsed = typeof body === 'string' ? JSON.parse(body) : body;
    const message = (parsed as { message?: unknown })?.message;
    return typeof message === 'string' ? message : '';
  } catch {
    return '';
  }
}

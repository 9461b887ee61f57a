// Live pod lists for the socket: one list-then-watch per (person, context, namespace), shared by
// every subscriber, stopped when the last one leaves. A person's list and watch are made as them
// (impersonated), so each sees what the cluster lets them see; without a person, as the
// kubeconfig's identity. A watch that ends is started again from a fresh list after a delay that
// doubles up to a minute while ends come close together (watch-retry.ts).
import type { V1Pod } from '@kubernetes/client-node';
// client-node's module, not its index, which would bring its whole generated API (see core-api.ts)
import { Watch } from '@kubernetes/client-node/dist/watch.js';
import { ClusterUnreached, type ClusterReader } from './cluster.ts';
import { forgetPluginCredentials } from './plugin-credentials.ts';
import { unreachedLasts, unreachedSentence } from './status.ts';
import { podSummary } from './pod-summary.ts';
import { byName, type PodSummary } from '../../domain/pod.ts';
import { namespaceKey } from '../../protocol/index.ts';
import { ClusterError, type PodGone, type PodListener, type PodWatching } from '../cluster.ts';
import type { Person } from '../../domain/person.ts';
import { personKey, personProblem } from './impersonation.ts';
import { WatchRetry } from './watch-retry.ts';

interface NamespaceWatch {
  /** the reader as the watch's person (or the reader itself) */
  reader: ClusterReader;
  context: string | undefined;
  namespace: string;
  listeners: Set<PodListener>;
  pods: Map<string, V1Pod>;
  /** when the last full list was read (performance.now()) */
  listedAt: number;
  abort?: AbortController;
  retryAfter: WatchRetry;
  retry?: ReturnType<typeof setTimeout>;
  pushScheduled: boolean;
  stopped: boolean;
  /** a 401 of the watch dropped the plugin's credentials, and no event came since */
  refreshed?: boolean;
}

export class KubePodWatches implements PodWatching {
  readonly #watches = new Map<string, NamespaceWatch>();

  constructor(
    private readonly reader: ClusterReader,
    private readonly gone: PodGone = () => {},
    /** each watch's waits between restarts */
    private readonly retryPolicy: () => WatchRetry = () => new WatchRetry(),
  ) {}

  subscribe(context: string | undefined, namespace: string, listener: PodListener, person?: Person): () => void {
    const problem = person && personProblem(person);
    if (problem) {
      listener.error(`${problem} Nothing was sent; sign in again.`);
      return () => {};
    }
    const key = `${personKey(person)}\n${namespaceKey(context, namespace)}`;
    let watch = this.#watches.get(key);
    if (!watch) {
      const reader = person ? this.reader.as(person) : this.reader;
      watch = { reader, context, namespace, listeners: new Set(), pods: new Map(), listedAt: -Infinity, retryAfter: this.retryPolicy(), pushScheduled: false, stopped: false };
      this.#watches.set(key, watch);
      void this.#start(watch);
    } else if (watch.abort || watch.pods.size > 0) {
      listener.pods(this.#views(watch), watch.listedAt);
    }
    watch.listeners.add(listener);
    const current = watch;
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0) this.#stop(key, current);
    };
  }

  close(): void {
    for (const [key, watch] of this.#watches) this.#stop(key, watch);
  }

  #stop(key: string, watch: NamespaceWatch): void {
    watch.stopped = true;
    clearTimeout(watch.retry);
    watch.abort?.abort();
    if (this.#watches.get(key) === watch) this.#watches.delete(key);
  }

  async #start(watch: NamespaceWatch): Promise<void> {
    try {
      // as of when it was asked: the cluster reads the list at or after that, never before, so a pod
      // made while the answer is on its way may be missing from a list "read" after it was made
      const asked = performance.now();
      const list = await watch.reader.podList(watch.namespace, { context: watch.context });
      if (watch.stopped) return;
      const before = new Set(watch.pods.keys());
      watch.pods = new Map(list.pods.map((pod) => [pod.metadata?.name ?? '', pod]));
      watch.listedAt = asked;
      for (const name of before) if (!watch.pods.has(name)) this.gone(watch.context, watch.namespace, name);
      this.#push(watch);
      const abort = await new Watch(watch.reader.config(watch.context)).watch(
        `/api/v1/namespaces/${encodeURIComponent(watch.namespace)}/pods`,
        { resourceVersion: list.resourceVersion, allowWatchBookmarks: true },
        (type, object: V1Pod) => this.#event(watch, type, object),
        (error) => this.#ended(watch, error),
      );
      if (watch.stopped) return abort.abort();
      watch.abort = abort;
      watch.retryAfter.watching();
    } catch (error) {
      this.#ended(watch, error);
    }
  }

  #event(watch: NamespaceWatch, type: string, pod: V1Pod): void {
    const name = pod?.metadata?.name;
    if (!name || type === 'BOOKMARK') return;
    watch.retryAfter.worked(); // a later drop starts over quickly
    watch.refreshed = false; // and a later 401 may refresh the credentials again
    if (type === 'DELETED') {
      watch.pods.delete(name);
      this.gone(watch.context, watch.namespace, name);
    } else if (type === 'ADDED' || type === 'MODIFIED') {
      watch.pods.set(name, pod);
      if (pod.metadata?.deletionTimestamp) this.gone(watch.context, watch.namespace, name);
    } else {
      return;
    }
    this.#push(watch);
  }

  #ended(watch: NamespaceWatch, error: unknown): void {
    if (watch.stopped) return;
    watch.abort = undefined;
    const status = (error as { statusCode?: number; code?: number })?.statusCode ?? (error as { status?: number })?.status;
    // the list's failures are sentences already (cluster.ts); the watch's own request fails as client-node says it
    const ofTheWatch = !(error instanceof ClusterError);
    // The watch's own 401, its list (just before, refreshed itself on a 401: asking-again.ts) having
    // been accepted: a plugin's token revoked or expired in between. It is dropped, and the restart
    // runs the plugin again; once, a second 401 is told.
    if (status === 401 && ofTheWatch && !watch.refreshed && forgetPluginCredentials(watch.reader.config(watch.context))) {
      watch.refreshed = true;
      return this.#restart(watch);
    }
    const lasts = ofTheWatch ? unreachedLasts(error) : error instanceof ClusterUnreached && error.lasts;
    const message = ofTheWatch && lasts ? unreachedSentence(watch.reader.contexts.server(watch.context), error) : (error as { message?: string })?.message;
    // a refusal, a question the cluster cannot answer (a context the kubeconfig lacks), a credential
    // plugin that fails or a certificate not trusted: no retry will mend it by itself, so the
    // subscribers hear it (a dropped or throttled watch is retried in silence)
    if (error && (lasts || (status !== undefined && [400, 401, 403, 404].includes(status)) || /forbidden|unauthorized/i.test(message ?? ''))) {
      for (const listener of watch.listeners) listener.error(message ?? 'The cluster refused to list pods here.');
    }
    this.#restart(watch);
  }

  #restart(watch: NamespaceWatch): void {
    watch.retry = setTimeout(() => void this.#start(watch), watch.retryAfter.ended());
    (watch.retry as { unref?: () => void }).unref?.();
  }

  /** Several events in one turn make one push. */
  #push(watch: NamespaceWatch): void {
    if (watch.pushScheduled) return;
    watch.pushScheduled = true;
    setImmediate(() => {
      watch.pushScheduled = false;
      if (watch.stopped) return;
      const pods = this.#views(watch);
      for (const listener of watch.listeners) listener.pods(pods, watch.listedAt);
    });
  }

  #views(watch: NamespaceWatch): PodSummary[] {
    return [...watch.pods.values()].map(podSummary).sort(byName);
  }
}

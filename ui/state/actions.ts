// What the user can do, as functions over the store and the two protocol clients: views call
// these and never touch fetch or the socket themselves. Every failure lands in the store as a
// notice carrying the server's sentence.
import { afterSignOut, ApiError, type Api } from '../protocol/http-client.ts';
import type { BatchRequest, ExecRequest } from '../../src/protocol/index.ts';
import type { SocketClient } from '../../src/protocol/socket-client.ts';
import type { ExecCommand, PodSummary } from '../../src/protocol/index.ts';
import { clockOffsetAfter } from './idle-countdown.ts';
import { applyConnection, applyServerMessage, closedOnItsOwn, currentSelection, isEnded, sessionsOfPod, withBatch, type AppState } from './app-state.ts';
import { rememberRoute, routeUrl, type Route } from './route.ts';
import type { Store } from './store.ts';
import { execableContainers } from '../../src/domain/pod.ts';
import type { AuditFilter } from './audit.ts';
import { execPermission, permissionKey, wantsPermissions } from './team.ts';
import { changedPreferences, steppedFontSize, storePreferences, type Preferences } from './preferences.ts';
import { saveDismissed } from './dismissed-alerts.ts';
import { OnTheirWay } from './on-their-way.ts';
import { signInFailure } from './sign-in-failure.ts';
import { outageAfterConnection, outageAfterMessage } from './outage.ts';

export interface Environment {
  api: Api;
  socket: SocketClient;
  store: Store<AppState>;
  history: Pick<History, 'pushState' | 'replaceState'>;
  storage?: Storage;
  /** where this browser keeps its settings for good (localStorage) */
  preferenceStorage?: Storage;
  /** load another address for good (after a sign-out); default: location.assign */
  leave?: (url: string) => void;
}

export class Actions {
  readonly #env: Environment;
  #noticeId = 0;
  #podsRequest = 0;
  #podRequest = 0;
  #embedModeDone = false;
  /** Restart and Close go once the socket brings the new row: a double click is one request */
  readonly #onTheirWay = new OnTheirWay();

  constructor(env: Environment) {
    this.#env = env;
    env.socket.onMessage((message) => {
      const receivedAt = Date.now();
      const { dismissed } = env.store.get();
      const closed = closedOnItsOwn(env.store.get(), message);
      env.store.update((state) => {
        const change = applyServerMessage(state, message);
        const serverClockOffsetMs = clockOffsetAfter(state.serverClockOffsetMs, message, receivedAt);
        const outage = outageAfterMessage(state.outage, message, receivedAt);
        return serverClockOffsetMs === state.serverClockOffsetMs && !outage ? change : { ...change, serverClockOffsetMs, ...outage };
      });
      // dismissals of alerts the server's fresh list no longer has were forgotten: a reload forgets them too
      if (env.store.get().dismissed !== dismissed) saveDismissed(env.store.get(), env, { prune: true });
      if (closed) this.notify(closed.message, closed.title);
    });
    env.socket.onState((connection, closedBecause) => env.store.update((state) => ({ ...applyConnection(state, connection, closedBecause), ...outageAfterConnection(state.outage, connection, Date.now()) })));
  }

  get #store() {
    return this.#env.store;
  }

  /** Sign in with the token the printed URL carries (in its fragment), or one pasted, then load what the page shows. */
  async start(token: string | undefined): Promise<void> {
    const { api, store, socket } = this.#env;
    try {
      if (token) await api.signIn(token);
      const info = await api.info();
      store.update(() => ({ info, auth: { state: 'ok' } }));
    } catch (error) {
      store.update((state) => ({ auth: { state: 'failed', ...signInFailure(error, token, state.auth.tokenField === true), attempt: (state.auth.attempt ?? 0) + 1 }, connection: 'signedOut' }));
      return;
    }
    socket.connect();
    void this.loadContexts();
    this.#loadForRoute(store.get().route);
  }

  // ---- navigation ------------------------------------------------------------------------

  navigate(change: Partial<Route>, how: 'push' | 'replace' = 'push'): void {
    const before = this.#store.get().route;
    const route: Route = { ...before, ...change };
    // another pod starts on its first tab unless one is named
    if (change.pod !== undefined && change.pod !== before.pod && !('tab' in change)) route.tab = undefined;
    this.#store.update(() => ({ route }));
    rememberRoute(route, this.#env.storage);
    const url = routeUrl(route);
    if (how === 'push') this.#env.history.pushState(null, '', url);
    else this.#env.history.replaceState(null, '', url);
    this.#loadForRoute(route, before);
  }

  /** The browser went back or forward. */
  routeChanged(route: Route): void {
    const before = this.#store.get().route;
    this.#store.update(() => ({ route }));
    rememberRoute(route, this.#env.storage); // a reload of a bare address comes back where Back went
    this.#loadForRoute(route, before);
  }

  selectTab(sessionId: string): void {
    this.navigate({ tab: sessionId }, 'replace');
  }

  /** Jump to a terminal's tab in its pod view (from the Terminals page or an alert). */
  openSession(sessionId: string): void {
    const row = this.#store.get().sessions.byId[sessionId];
    if (!row) return;
    const page = this.#store.get().route.page === 'embed' ? 'embed' : 'pods';
    this.navigate({ page, view: undefined, namespace: row.target.namespace, pod: row.target.pod, tab: sessionId, context: row.target.context }); // no context: the server's current one, not the page's
  }

  #loadForRoute(route: Route, before?: Route): void {
    // the pod list (and the pod view's container states) stay live through the socket's pod watch
    if (before && (before.namespace !== route.namespace || before.context !== route.context)) this.#env.socket.unwatchPods(before.namespace, before.context);
    this.#env.socket.watchPods(route.namespace, route.context);
    if (!before || route.namespace !== before.namespace || route.context !== before.context || !this.#store.get().pods.loaded) void this.refreshPods();
    // the same pod's name in another cluster is another pod
    if (route.pod && (route.pod !== before?.pod || route.namespace !== before?.namespace || route.context !== before?.context || !this.#store.get().pod?.view)) void this.loadPod(route.namespace, route.pod);
    if (!before || route.context !== before.context) void this.loadNamespaces();
    // team mode: what the person may do here, once per namespace shown (the answer is kept)
    const changed = !before || route.namespace !== before.namespace || route.context !== before.context;
    const state = this.#store.get();
    if ((route.page === 'pods' || route.page === 'embed') && wantsPermissions(state) && (changed || !(permissionKey(route.namespace, route.context) in state.permissions))) {
      void this.loadPermissions(route.namespace, route.context);
    }
    if ((route.page === 'audit' || route.page === 'recordings') && (before?.page !== route.page || !state.audit.loaded)) void this.loadAudit();
  }

  // ---- cluster views ---------------------------------------------------------------------

  async loadContexts(): Promise<void> {
    try {
      const contexts = await this.#env.api.contexts();
      this.#store.update(() => ({ contexts }));
    } catch (error) {
      this.notify((error as Error).message, 'Contexts');
    }
  }

  async loadNamespaces(): Promise<void> {
    try {
      const namespaces = await this.#env.api.namespaces(this.#store.get().route.context);
      this.#store.update(() => ({ namespaces }));
    } catch {
      // listing namespaces may be forbidden: the picker then takes a typed name
      this.#store.update(() => ({ namespaces: [] }));
    }
  }

  async refreshPods(): Promise<void> {
    const { namespace, context } = this.#store.get().route;
    const request = ++this.#podsRequest;
    if (this.#store.get().pods.namespace !== namespace) this.#store.update(() => ({ pods: { namespace, list: [], loaded: false } }));
    try {
      const list = await this.#env.api.pods(namespace, context);
      if (request !== this.#podsRequest) return;
      this.#store.update(() => ({ pods: { namespace, list, loaded: true } }));
    } catch (error) {
      if (request !== this.#podsRequest) return;
      this.#store.update(() => ({ pods: { namespace, list: [], loaded: true, error: (error as Error).message } }));
    }
  }

  async loadPod(namespace: string, name: string): Promise<PodSummary | undefined> {
    const request = ++this.#podRequest;
    const { pod: current, route: { context } } = this.#store.get();
    if (current?.namespace !== namespace || current.name !== name || current.context !== context) this.#store.update(() => ({ pod: { namespace, name, context } }));
    try {
      const view = await this.#env.api.pod(namespace, name, context);
      if (request === this.#podRequest) this.#store.update(() => ({ pod: { namespace, name, context, view } }));
      return view;
    } catch (error) {
      const gone = error instanceof ApiError && error.status === 404; // no such pod: its terminals cannot restart either
      if (request === this.#podRequest) this.#store.update(() => ({ pod: { namespace, name, context, error: (error as Error).message, gone } }));
      return undefined;
    }
  }

  // ---- team mode -------------------------------------------------------------------------

  /** Ask whether the person may exec in a namespace; until the answer (or on a failure) the actions stay on. */
  async loadPermissions(namespace: string, context?: string): Promise<void> {
    const key = permissionKey(namespace, context);
    this.#store.update((state) => ({ permissions: { ...state.permissions, [key]: { ...state.permissions[key], loading: true } } }));
    try {
      const { exec } = await this.#env.api.permissions(namespace, context);
      this.#store.update((state) => ({ permissions: { ...state.permissions, [key]: { exec, loading: false } } }));
    } catch (error) {
      this.#store.update((state) => ({ permissions: { ...state.permissions, [key]: { loading: false, error: (error as Error).message } } }));
    }
  }

  /** Sign out where the server says, then start over at / (which signs in again, or shows why not). */
  async signOut(): Promise<void> {
    const url = this.#store.get().info?.signedIn?.signOut;
    if (!url) return;
    let reply: Awaited<ReturnType<Api['signOut']>>;
    try {
      reply = await this.#env.api.signOut(url);
    } catch (error) {
      this.notify((error as Error).message, 'Sign out');
      return;
    }
    this.#env.socket.close();
    // On to the identity provider's end-session page when the server names one: back at `/`, a
    // provider still signed in would sign the same person in again without asking (OIDC).
    (this.#env.leave ?? ((to: string) => globalThis.location.assign(to)))(afterSignOut(reply?.next));
  }

  async loadAudit(): Promise<void> {
    this.#store.update((state) => ({ audit: { ...state.audit, loading: true } }));
    try {
      const records = await this.#env.api.audit();
      this.#store.update((state) => ({ audit: { ...state.audit, records, loading: false, loaded: true, error: undefined } }));
    } catch (error) {
      this.#store.update((state) => ({ audit: { ...state.audit, loading: false, loaded: true, error: (error as Error).message } }));
    }
  }

  setAuditFilter(change: Partial<AuditFilter>): void {
    this.#store.update((state) => ({ audit: { ...state.audit, filter: { ...state.audit.filter, ...change } } }));
  }

  // ---- terminals -------------------------------------------------------------------------

  /** Run an exec action; selects the first new terminal's tab. Resolves to the new session ids. */
  async exec(request: Omit<ExecRequest, 'context'>): Promise<string[] | undefined> {
    const { context } = this.#store.get().route;
    this.#store.update(() => ({ execPending: true }));
    try {
      const result = await this.#env.api.exec({ ...request, ...(context ? { context } : {}) });
      const route = this.#store.get().route;
      if (route.namespace === request.namespace && route.pod === request.pod && result.sessionIds[0]) this.selectTab(result.sessionIds[0]);
      return result.sessionIds;
    } catch (error) {
      this.notify((error as Error).message, `Exec in ${request.pod}`);
      return undefined;
    } finally {
      this.#store.update(() => ({ execPending: false }));
    }
  }

  /** The one-click shell: auto (bash, then sh) in the default container, or in the one named (a running init container or sidecar, say). */
  shell(pod: PodSummary, named?: string): Promise<string[] | undefined> {
    const container = named ?? pod.defaultContainer ?? pod.containers[0]?.name;
    if (!container) {
      this.notify(`Pod "${pod.name}" has no containers to open a shell in.`, 'Shell');
      return Promise.resolve(undefined);
    }
    return this.exec({ namespace: pod.namespace, pod: pod.name, containers: [container], command: { shell: 'auto' }, interactive: true });
  }

  /** A debug container (`image`, from the server's list) aimed at `container`, with a shell in a new tab. */
  debug(pod: { namespace: string; name: string }, container: string, image: string): Promise<string[] | undefined> {
    return this.exec({ namespace: pod.namespace, pod: pod.name, containers: [container], command: { shell: 'auto' }, interactive: true, mode: { kind: 'debug', image } });
  }

  /** A debug copy of the pod, `container` kept alive, with a shell in it (the copy is deleted with the terminal). */
  debugCopy(pod: PodSummary, container: string): Promise<string[] | undefined> {
    return this.exec({ namespace: pod.namespace, pod: pod.name, containers: [container], command: { shell: 'auto' }, interactive: true, mode: { kind: 'copy' } });
  }

  /** Joins the container's main process (its spec must have stdin); closing the tab detaches. */
  attach(pod: PodSummary, container: string): Promise<string[] | undefined> {
    return this.exec({ namespace: pod.namespace, pod: pod.name, containers: [container], interactive: true, mode: { kind: 'attach' } });
  }

  /** "Shell in all containers": an auto shell in every container exec can reach now, a tab each. */
  shellAll(pod: PodSummary): Promise<string[] | undefined> {
    const containers = execableContainers(pod);
    if (containers.length === 0) {
      this.notify(`No container of pod "${pod.name}" is running: there is nothing to open a shell in.`, 'Shell in all containers');
      return Promise.resolve(undefined);
    }
    return this.exec({ namespace: pod.namespace, pod: pod.name, containers, command: { shell: 'auto' }, interactive: true });
  }

  /** The embed page's modes (once per page load, after the socket said which terminals exist): a shell in the default container, or one per running container, unless this pod already has them. */
  async embedMode(pod: PodSummary, mode: 'shell' | 'shell-all'): Promise<void> {
    if (this.#embedModeDone) return; // once per page load
    this.#embedModeDone = true;
    if (!execPermission(this.#store.get()).allowed) return; // the Shell button says why
    const open = sessionsOfPod(this.#store.get(), { context: this.#store.get().route.context, namespace: pod.namespace, pod: pod.name }).filter((row) => !isEnded(row) && 'shell' in row.command);
    const wanted = mode === 'shell' ? [pod.defaultContainer ?? pod.containers[0]?.name] : execableContainers(pod);
    const missing = wanted.filter((name): name is string => !!name && !open.some((row) => row.target.container === name));
    if (missing.length === 0) return;
    await this.exec({ namespace: pod.namespace, pod: pod.name, containers: missing, command: { shell: 'auto' } satisfies ExecCommand, interactive: true });
  }

  // ---- batches ---------------------------------------------------------------------------

  /** Check or uncheck a pod on the Pods list. */
  selectPod(pod: string, selected: boolean): void {
    this.#store.update((state) => {
      const current = currentSelection(state);
      const pods = current.pods.filter((name) => name !== pod);
      return { selection: { ...current, pods: selected ? [...pods, pod] : pods } };
    });
  }

  setLabelSelector(labelSelector: string): void {
    this.#store.update((state) => ({ selection: { ...currentSelection(state), labelSelector } }));
  }

  /** Start a batch and show its page. Resolves to the batch id, or undefined when the server refused (the notice says why). */
  async runBatch(request: Omit<BatchRequest, 'context'>): Promise<string | undefined> {
    const { context } = this.#store.get().route;
    this.#store.update(() => ({ execPending: true }));
    try {
      const { batchId } = await this.#env.api.runBatch({ ...request, ...(context ? { context } : {}) });
      this.navigate({ page: 'batch', batch: batchId, pod: undefined, tab: undefined });
      // the socket brings the summary; read it once in case this answer came first
      if (!this.#store.get().batches.byId[batchId]) {
        const batch = await this.#env.api.batch(batchId).catch(() => undefined);
        if (batch && !this.#store.get().batches.byId[batchId]) this.#store.update((state) => ({ batches: withBatch(state.batches, batch) }));
      }
      return batchId;
    } catch (error) {
      this.notify((error as Error).message, 'Run in all containers');
      return undefined;
    } finally {
      this.#store.update(() => ({ execPending: false }));
    }
  }

  /** Stop a batch: nothing more of it starts, its running terminals close; the socket brings it done. */
  cancelBatch(batchId: string): Promise<void> {
    return this.#onTheirWay.run(`cancel ${batchId}`, () => this.#env.api.cancelBatch(batchId).then(() => {}, (error: Error) => this.notify(error.message, 'Stop batch')));
  }

  restart(sessionId: string): Promise<void> {
    return this.#onTheirWay.run(`restart ${sessionId}`, () => this.#env.api.restart(sessionId).then(() => {}, (error: Error) => this.notify(error.message, 'Restart')));
  }

  close(sessionId: string): Promise<void> {
    return this.#onTheirWay.run(`close ${sessionId}`, () => this.#close(sessionId));
  }

  async #close(sessionId: string): Promise<void> {
    const state = this.#store.get();
    if (state.route.tab === sessionId) {
      // select a neighbour first so the pod view never shows a closed tab
      const row = state.sessions.byId[sessionId];
      const siblings = row ? sessionsOfPod(state, row.target).map((r) => r.sessionId) : [];
      const at = siblings.indexOf(sessionId);
      const next = siblings[at + 1] ?? siblings[at - 1];
      this.navigate({ tab: next }, 'replace');
    }
    try {
      await this.#env.api.close(sessionId);
    } catch (error) {
      this.notify((error as Error).message, 'Close terminal');
    }
  }

  async closeAllEnded(): Promise<void> {
    try {
      await this.#env.api.closeAllEnded();
    } catch (error) {
      this.notify((error as Error).message, 'Close all ended');
    }
  }

  // ---- settings ----------------------------------------------------------------------------

  /** Change this browser's settings (the terminals follow the store) and store the ones changed, unless another page stored them. */
  setPreferences(change: Partial<Preferences>, storedElsewhere = false): void {
    this.#store.update((state) => ({ preferences: changedPreferences(state.preferences, change) }));
    if (!storedElsewhere) storePreferences(this.#store.get().preferences, Object.keys(change) as (keyof Preferences)[], this.#env.preferenceStorage);
  }

  /** Ctrl/Cmd + (1), − (-1), 0 (back to the default) on a terminal. */
  zoom(step: -1 | 0 | 1): void {
    this.setPreferences({ fontSize: steppedFontSize(this.#store.get().preferences.fontSize, step) });
  }

  // ---- alerts and notices ----------------------------------------------------------------

  dismissAlert(id: number): void {
    this.#store.update((state) => ({ dismissed: [...state.dismissed, id] }));
    saveDismissed(this.#store.get(), this.#env);
  }

  notify(message: string, title?: string): void {
    const id = ++this.#noticeId;
    this.#store.update((state) => ({ notices: [...state.notices, { id, message, at: Date.now(), ...(title ? { title } : {}) }] }));
  }

  dismissNotice(id: number): void {
    this.#store.update((state) => ({ notices: state.notices.filter((n) => n.id !== id) }));
  }
}

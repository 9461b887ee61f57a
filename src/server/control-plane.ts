// The stream hub's control plane: what the event log's projections say, pushed to every page
// (session rows, closed sessions, batches, alerts) that may see it (visible.ts: in a team mode a
// person's own, an admin's everyone's) and a terminal's shares to its owner (shares/share-push.ts),
// and the live pod lists a page watches. Log
// entries come in bursts (an exec, its spawns, activity): they are folded into the pages' view
// once per turn of the event loop, so reading the projections costs once per burst.
import type { PodWatching } from '../adapters/cluster.ts';
import type { LogEntry } from '../events/log-entry.ts';
import type { Alerts } from '../events/projections/alerts.ts';
import type { BatchRow } from '../events/projections/batches.ts';
import type { SessionRow } from '../events/projections/session-list.ts';
import type { ExecSystem } from '../runtime/exec-system.ts';
import { PROTOCOL_VERSION, namespaceKey, type HubLimits, type ServerMessage } from '../protocol/index.ts';
import type { Person } from '../domain/person.ts';
import { tooManyEndedSentence } from '../domain/live-sessions.ts';
import { batchView } from './batch-view.ts';
import { sees } from './caller.ts';
import { visibleAlerts, visibleBatches, visibleSessions } from './visible.ts';
import type { DataPlane } from './data-plane.ts';
import type { StreamHubOptions } from './hub-options.ts';
import type { HubSocket } from './hub-sockets.ts';
import { SharePush } from './shares/share-push.ts';
import { sharedRow } from './shares/shared-row.ts';

export class ControlPlane {
  readonly #sentRows = new Map<string, SessionRow>();
  /**
   * The batch rows pushed: a new row (immer) means it changed. Held weakly: the projection lets
   * go of old batches (it keeps the latest 200), and a map by id would keep every row ever pushed.
   */
  readonly #sentBatches = new WeakSet<BatchRow>();
  #sentAlerts: Alerts;
  /** log entries not yet pushed to the pages */
  #unsent: LogEntry[] = [];
  /** pod lists each socket watches, by namespace key, with the way to stop each */
  readonly #podWatches = new Map<HubSocket, Map<string, () => void>>();
  readonly #stop: (() => void)[];
  readonly #shares: SharePush;

  constructor(
    private readonly system: ExecSystem,
    private readonly data: DataPlane,
    private readonly sockets: () => Iterable<HubSocket>,
    private readonly options: Required<StreamHubOptions>,
    private readonly pods: PodWatching | undefined,
  ) {
    this.#sentAlerts = system.alerts;
    this.#shares = new SharePush(system, sockets);
    for (const id of system.sessionList.order) this.#sentRows.set(id, system.sessionList.byId[id]);
    for (const row of Object.values(system.batches.byId)) this.#sentBatches.add(row);
    // alerts also change without an entry: the log could not be written, or can again
    this.#stop = [system.onEntry((entry) => this.#entry(entry)), system.onAlerts(() => this.#pushAlerts())];
  }

  hello(socket: HubSocket, limits: HubLimits): void {
    const { system } = this;
    system.clock.sync(); // a quiet server's clock stands at its last event: now, not then (the idle countdown counts on it)
    socket.send({ type: 'hello', protocol: PROTOCOL_VERSION, now: system.clock.now(), sessions: visibleSessions(system, socket.caller), alerts: visibleAlerts(system, socket.caller), batches: visibleBatches(system, socket.caller), limits });
  }

  watchPods(socket: HubSocket, watch: boolean, namespace: string, context: string | undefined): void {
    const key = namespaceKey(context, namespace);
    const watches = this.#podWatches.get(socket) ?? new Map<string, () => void>();
    this.#podWatches.set(socket, watches);
    const existing = watches.get(key);
    if (!watch) {
      existing?.();
      watches.delete(key);
      return;
    }
    if (existing) return;
    if (!this.pods) return socket.error('watchFailed', 'This server does not watch pods.');
    if (watches.size >= this.options.maxPodWatchesPerSocket) return socket.error('tooManyAttached', `One socket can watch at most ${this.options.maxPodWatchesPerSocket} pod lists.`);
    const where = { namespace, ...(context !== undefined ? { context } : {}) };
    watches.set(
      key,
      this.pods.subscribe(
        context,
        namespace,
        {
          pods: (pods) => socket.sendLatest(`pods ${key}`, { type: 'pods', ...where, pods }),
          error: (message) => socket.send({ type: 'error', code: 'watchFailed', message, ...where }),
        },
        socket.caller.person, // a person sees the pods the cluster lets them see
      ),
    );
  }

  disconnected(socket: HubSocket): void {
    for (const stop of this.#podWatches.get(socket)?.values() ?? []) stop();
    this.#podWatches.delete(socket);
  }

  close(): void {
    for (const stop of this.#stop) stop();
  }

  #entry(entry: LogEntry): void {
    // its output is here only when this replica runs it (a shared log brings the others' too)
    if (entry.type === 'session.spawned' && this.system.holds(entry.sessionId)) this.data.spawned(entry.sessionId);
    this.#unsent.push(entry);
    if (this.#unsent.length === 1) setImmediate(() => this.#push());
  }

  #push(): void {
    const entries = this.#unsent.splice(0);
    const sessions = new Set<string>();
    /** why a terminal closed on its own, for its pages to say (not a close someone asked for) */
    const closedWhy = new Map<string, Pick<Extract<ServerMessage, { type: 'sessionClosed' }>, 'because' | 'message'>>();
    for (const entry of entries) {
      if ('sessionId' in entry) sessions.add(entry.sessionId);
      if (entry.type === 'session.closed' && entry.because === 'tooManyEnded') closedWhy.set(entry.sessionId, { because: entry.because, message: tooManyEndedSentence(entry.kept ?? 0) });
    }
    for (const id of sessions) {
      const row = this.system.sessionList.byId[id];
      if (!row) {
        const shown = this.#sentRows.get(id);
        this.#sentRows.delete(id);
        // a row never pushed was seen by nobody (spawned and closed in one burst): only its stream's viewers, told by the data plane
        if (this.data.closed(id) || shown) this.#sendTo(shown?.person, { type: 'sessionClosed', sessionId: id, ...closedWhy.get(id) });
      } else if (this.#sentRows.get(id) !== row) {
        this.#sentRows.set(id, row);
        this.#sendTo(row.person, { type: 'session', session: row }, id);
      }
    }
    this.#shares.changed(sessions);
    for (const entry of entries) this.#batchEntry(entry);
    this.#pushAlerts();
  }

  #pushAlerts(): void {
    const alerts = this.system.alerts;
    if (alerts !== this.#sentAlerts) {
      this.#sentAlerts = alerts;
      for (const socket of this.sockets()) socket.sendLatest('alerts', { type: 'alerts', alerts: visibleAlerts(this.system, socket.caller) });
    }
  }

  /** A batch started, stopped or finished, or one of its sessions moved: every page gets the batch's new summary. */
  #batchEntry(entry: LogEntry): void {
    let batchId: string | undefined;
    if (entry.type === 'batch.started' || entry.type === 'batch.stopped' || entry.type === 'batch.finished') batchId = entry.batchId;
    else if ('sessionId' in entry) batchId = this.system.batches.sessions[entry.sessionId]?.[0];
    if (batchId === undefined) return;
    const row = this.system.batches.byId[batchId];
    if (!row || this.#sentBatches.has(row)) return;
    this.#sentBatches.add(row);
    this.#sendTo(row.person, { type: 'batch', batch: batchView(row) });
  }

  /** To every page that may see what `owner` started, and to those shown `sharedSession` through a share (its row only). */
  #sendTo(owner: Person | undefined, message: ServerMessage, sharedSession?: string): void {
    const shared = sharedSession === undefined ? undefined : this.data.sharedWith(sharedSession);
    for (const socket of this.sockets()) {
      if (sees(socket.caller, owner)) socket.send(message);
      // a share's person is shown the terminal, not who its owner is to the cluster (shared-row.ts)
      else if (shared?.has(socket)) socket.send(message.type === 'session' ? { ...message, session: sharedRow(message.session) } : message);
    }
  }
}

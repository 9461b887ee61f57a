// Ends the execs into a pod that goes away. The server watches the namespaces of every running
// session (the cluster adapter's pod watches, shared with the pages' own); a pod deleted, or marked for
// deletion, ends its sessions with the reason podDeleted instead of a bare dropped stream. In a team
// mode each watch is made as a person whose session runs there: the server's own identity may not
// list pods (deploy/rbac.yaml), and the person may, since they exec there.
//
// A watch outlives the last terminal of its namespace by LINGER_MS. Without that, every short exec
// (`echo hi`, each exec of a batch that runs one at a time) started a watch (a LIST of the whole
// namespace, then a WATCH) and stopped it: two connections to the API server and the namespace's
// pods sent and parsed, on the way to the exec's first byte (figure 4: 13 ms of its 86).
//
// The guard looks at the terminals after the turn that changed them, once for all that turn's
// entries: reading the list folds the log's new entries into it, which on the way to an exec's
// first byte was done once per entry, before the exec's connection was even opened.
//
// A watch starts with a list, read after the terminal started: a pod deleted in between is in no
// event, only missing from the list. So a pod missing from a list read after its terminal
// connected (its exec reached it, so it was there) is gone too. A list read before that says
// nothing: a pod made since (a debug copy) may not be in it yet. So a pod deleted in a namespace's
// first moments here, before its watch is open, is heard of only when the watch replays the
// deletion; a killed shell's exit (137) can come first, and then ends its terminal as that.
import type { LogEntry } from '../events/log-entry.ts';
import type { ExecSystem } from '../runtime/exec-system.ts';
import type { PodWatching } from '../adapters/cluster.ts';
import type { PodSummary } from '../domain/pod.ts';
import type { SessionRow } from '../protocol/index.ts';
import type { Person } from '../domain/person.ts';
import { isRunning, namespaceKey } from '../protocol/index.ts';

/** How long a namespace stays watched after its last terminal ended. */
export const LINGER_MS = 30_000;

/** The timers a guard uses (tests pass their own). */
export interface GuardTimers {
  set(fn: () => void, ms: number): unknown;
  clear(timer: unknown): void;
  /** runs `fn` once the current turn and its I/O are done */
  soon(fn: () => void): void;
}

const realTimers: GuardTimers = {
  set: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    (timer as { unref?: () => void }).unref?.(); // a lingering watch never keeps the process up
    return timer;
  },
  clear: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
  soon: (fn) => void setImmediate(fn),
};

interface Subscription {
  stop: () => void;
  /** set while no terminal there needs it: the timer that will stop it */
  lingering?: unknown;
}

export class SessionPodGuard {
  readonly #subscriptions = new Map<string, Subscription>();
  /** when the guard first saw each terminal it watches past connecting (performance.now()) */
  readonly #connectedAt = new Map<string, number>();
  readonly #stop: () => void;
  #syncDue = false;
  #closed = false;

  constructor(
    private readonly system: ExecSystem,
    private readonly watches: PodWatching,
    private readonly timers: GuardTimers = realTimers,
  ) {
    this.#stop = system.onEntry((entry) => this.#changed(entry));
    this.#sync();
  }

  /** The pod is gone: every running session into it ends with that reason. */
  podGone(context: string | undefined, namespace: string, pod: string): void {
    const list = this.system.sessionList;
    for (const id of list.order) {
      const row = list.byId[id];
      if (row && isRunning(row.state) && row.target.namespace === namespace && row.target.pod === pod && row.target.context === context) this.system.podDeleted(id);
    }
  }

  close(): void {
    this.#closed = true;
    this.#stop();
    for (const subscription of this.#subscriptions.values()) this.#end(subscription);
    this.#subscriptions.clear();
  }

  #changed(entry: LogEntry): void {
    if (entry.type === 'session.activity' || entry.type === 'session.resized' || this.#syncDue) return;
    this.#syncDue = true;
    this.timers.soon(() => {
      this.#syncDue = false;
      if (!this.#closed) this.#sync();
    });
  }

  /** The terminals this guard watches: running, and held here (with replicas, each guards its own: only it can end their execs). */
  *#guarded(): Generator<[string, SessionRow]> {
    const list = this.system.sessionList;
    for (const id of list.order) {
      const row = list.byId[id];
      if (row && isRunning(row.state) && this.system.holds(id)) yield [id, row];
    }
  }

  /** A list of the namespace that `key` watches: its terminals connected before it was read whose pods it lacks are gone. */
  #listed(key: string, pods: PodSummary[], listedAt: number): void {
    const names = new Set(pods.map((pod) => pod.name));
    for (const [id, row] of this.#guarded()) {
      const connectedAt = this.#connectedAt.get(id);
      if (connectedAt !== undefined && connectedAt < listedAt && watchKey(row) === key && !names.has(row.target.pod)) this.system.podDeleted(id);
    }
  }

  #sync(): void {
    const needed = new Map<string, { context: string | undefined; namespace: string; person?: Person }>();
    const running = new Set<string>();
    for (const [id, row] of this.#guarded()) {
      running.add(id);
      if (row.state !== 'connecting' && !this.#connectedAt.has(id)) this.#connectedAt.set(id, performance.now());
      const { context, namespace } = row.target;
      needed.set(watchKey(row), { context, namespace, ...(row.person ? { person: row.person } : {}) });
    }
    for (const id of this.#connectedAt.keys()) if (!running.has(id)) this.#connectedAt.delete(id);
    for (const [key, subscription] of this.#subscriptions) {
      if (needed.has(key) || subscription.lingering !== undefined) continue;
      subscription.lingering = this.timers.set(() => {
        this.#subscriptions.delete(key);
        subscription.stop();
      }, LINGER_MS);
    }
    for (const [key, { context, namespace, person }] of needed) {
      const subscription = this.#subscriptions.get(key);
      if (subscription) {
        if (subscription.lingering !== undefined) this.timers.clear(subscription.lingering);
        subscription.lingering = undefined;
      } else {
        this.#subscriptions.set(key, { stop: this.watches.subscribe(context, namespace, { pods: (pods, listedAt) => this.#listed(key, pods, listedAt), error: () => {} }, person) });
      }
    }
  }

  #end(subscription: Subscription): void {
    if (subscription.lingering !== undefined) this.timers.clear(subscription.lingering);
    subscription.stop();
  }
}

/** One watch per person and namespace: the key of the one a terminal needs. */
function watchKey(row: SessionRow): string {
  const who = row.person ? JSON.stringify([row.person.user, [...row.person.groups].sort()]) : '';
  return `${who}\n${namespaceKey(row.target.context, row.target.namespace)}`;
}

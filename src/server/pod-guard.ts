// Ends the execs into a pod that goes away. The server watches the namespaces of every running
// session (the cluster adapter's pod watches, shared with the pages' own); a pod deleted, or marked for
// deletion, ends its sessions with the reason podDeleted instead of a bare dropped stream. In a team
// mode each watch is made as a person whose session runs there: the server's own identity may not
// list pods (deploy/rbac.yaml), and the person may, since they exec there.
import type { LogEntry } from '../events/log-entry.ts';
import type { ExecSystem } from '../runtime/exec-system.ts';
import type { PodWatching } from '../adapters/cluster.ts';
import type { Person } from '../domain/person.ts';
import { isRunning, namespaceKey } from '../protocol/index.ts';

export class SessionPodGuard {
  readonly #subscriptions = new Map<string, () => void>();
  readonly #stop: () => void;

  constructor(
    private readonly system: ExecSystem,
    private readonly watches: PodWatching,
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
    this.#stop();
    for (const stop of this.#subscriptions.values()) stop();
    this.#subscriptions.clear();
  }

  #changed(entry: LogEntry): void {
    if (entry.type !== 'session.activity' && entry.type !== 'session.resized') this.#sync();
  }

  #sync(): void {
    const needed = new Map<string, { context: string | undefined; namespace: string; person?: Person }>();
    const list = this.system.sessionList;
    for (const id of list.order) {
      const row = list.byId[id];
      // With replicas, each guards the terminals it holds: only it can end their execs.
      if (!row || !isRunning(row.state) || !this.system.holds(id)) continue;
      const { context, namespace } = row.target;
      const who = row.person ? JSON.stringify([row.person.user, [...row.person.groups].sort()]) : '';
      needed.set(`${who}\n${namespaceKey(context, namespace)}`, { context, namespace, ...(row.person ? { person: row.person } : {}) });
    }
    for (const [key, stop] of this.#subscriptions) {
      if (!needed.has(key)) {
        stop();
        this.#subscriptions.delete(key);
      }
    }
    for (const [key, { context, namespace, person }] of needed) {
      if (!this.#subscriptions.has(key)) this.#subscriptions.set(key, this.watches.subscribe(context, namespace, { pods: () => {}, error: () => {} }, person));
    }
  }
}

// Ends the execs into a pod that goes away. The server watches the namespaces of every running
// session (the cluster adapter's pod watches, shared with the pages' own); a pod deleted, or marked for
// deletion, ends its sessions with the reason podDeleted instead of a bare dropped stream.
import type { LogEntry } from '../events/log-entry.ts';
import type { ExecSystem } from '../runtime/exec-system.ts';
import type { PodWatching } from '../adapters/cluster.ts';
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
    const needed = new Map<string, { context: string | undefined; namespace: string }>();
    const list = this.system.sessionList;
    for (const id of list.order) {
      const row = list.byId[id];
      if (row && isRunning(row.state)) needed.set(namespaceKey(row.target.context, row.target.namespace), { context: row.target.context, namespace: row.target.namespace });
    }
    for (const [key, stop] of this.#subscriptions) {
      if (!needed.has(key)) {
        stop();
        this.#subscriptions.delete(key);
      }
    }
    for (const [key, { context, namespace }] of needed) {
      if (!this.#subscriptions.has(key)) this.#subscriptions.set(key, this.watches.subscribe(context, namespace, { pods: () => {}, error: () => {} }));
    }
  }
}

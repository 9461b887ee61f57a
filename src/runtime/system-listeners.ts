// Who hears what the actor system does (ExecSystem extends this): each log entry once it is folded
// into the lists, each snapshot written, and each change of the alerts that comes without an entry
// (the log could not be written, or can again). Each `on…` returns the way to stop listening.
import type { LogEntry } from '../events/log-entry.ts';

export class SystemListeners {
  readonly #entries = new Set<(entry: LogEntry) => void>();
  readonly #snapshots = new Set<(seq: number) => void>();
  readonly #alerts = new Set<() => void>();

  onEntry(listener: (entry: LogEntry) => void): () => void {
    return subscribe(this.#entries, listener);
  }

  /** Told each time a snapshot has been written, with the seq it covers. */
  onSnapshot(listener: (seq: number) => void): () => void {
    return subscribe(this.#snapshots, listener);
  }

  /** Told when the alerts change without a log entry (the log could not be written, or can again). */
  onAlerts(listener: () => void): () => void {
    return subscribe(this.#alerts, listener);
  }

  protected tellEntry(entry: LogEntry): void {
    for (const listener of this.#entries) listener(entry);
  }

  protected tellSnapshot(seq: number): void {
    for (const listener of this.#snapshots) listener(seq);
  }

  protected tellAlerts(): void {
    for (const listener of this.#alerts) listener();
  }
}

function subscribe<T>(listeners: Set<T>, listener: T): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

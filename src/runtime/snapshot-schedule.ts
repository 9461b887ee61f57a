// When a running system writes its next snapshot: after so many entries, or so long after the
// last one when anything happened since; never in the middle of an actor step (the actors are
// between two states then), and not again for a while after one failed (a full disk).
import type { SnapshotPolicy } from './exec-system-types.ts';

export class SnapshotSchedule {
  #policy: SnapshotPolicy | undefined;
  /** entries since the last snapshot */
  #since: number;
  #lastAt: number;
  #nextTry = -Infinity;
  #queued = false;

  /** `policy` undefined: never by itself (writeSnapshot still can). `since`: entries already past the last snapshot. */
  constructor(
    policy: SnapshotPolicy | undefined,
    since: number,
    private readonly now: () => number,
    private readonly write: () => void,
  ) {
    this.#policy = policy;
    this.#since = since;
    this.#lastAt = now();
  }

  /** Whether anything happened since the last snapshot. */
  get due(): boolean {
    return this.#since > 0;
  }

  /** Entries were added to the log: a snapshot may be due, once the current step is over. */
  added(entries: number): void {
    this.#since += entries;
    const policy = this.#policy;
    if (!policy || this.#queued || this.now() < this.#nextTry) return;
    if (this.#since < policy.everyEntries && this.now() - this.#lastAt < policy.everyMs) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      if (this.#policy) this.write(); // unless stopped meanwhile
    });
  }

  written(): void {
    this.#since = 0;
    this.#lastAt = this.now();
  }

  /** A snapshot could not be written: none is tried by itself for `ms`. */
  failed(ms: number): void {
    this.#nextTry = this.now() + ms;
  }

  /** Whether it writes by itself; then it stops doing so (the system is shutting down). */
  stop(): boolean {
    const was = this.#policy !== undefined;
    this.#policy = undefined;
    return was;
  }
}

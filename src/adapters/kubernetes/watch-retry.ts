// How long a pod watch waits before it starts again (a fresh list, then a watch) once it ended.
// Ends close together mean trouble (a cluster that refuses, a proxy that cuts): the wait doubles
// from a second up to a minute, so there is no retry storm. An end after a watch that worked is
// routine (an API server ends every watch at its request timeout, 30 to 60 minutes), so a pod event
// seen, or a watch that lasted two minutes, puts the wait back to its first: without that, a quiet
// namespace's watch would wait a minute at each restart after a few hours, and a pod deleted
// meanwhile would be noticed that late. (client-go's reflector forgets its back-off after two
// minutes without a failure too.)
const FIRST_MS = 1000;
const MAX_MS = 60_000;
export const WORKED_FOR_MS = 2 * 60_000;

export class WatchRetry {
  #nextMs = FIRST_MS;
  #watchingSince: number | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** the watch is established (its list read, the cluster took the watch) */
  watching(): void {
    this.#watchingSince = this.now();
  }

  /** an event came through it: the watch works */
  worked(): void {
    this.#nextMs = FIRST_MS;
  }

  /** the list or the watch ended: how long to wait before starting again */
  ended(): number {
    if (this.#watchingSince !== undefined && this.now() - this.#watchingSince >= WORKED_FOR_MS) this.worked();
    this.#watchingSince = undefined;
    const waitMs = this.#nextMs;
    this.#nextMs = Math.min(waitMs * 2, MAX_MS);
    return waitMs;
  }
}

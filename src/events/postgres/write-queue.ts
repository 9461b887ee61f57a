// The entries a replica has decided and the store has not yet taken, in order and bounded: while
// PostgreSQL does not answer they wait here, and past the bound a replica is told at once
// (append throws) rather than growing without limit.
import type { UnnumberedEntry } from '../shared-store.ts';
import type { Numbered } from './append-batch.ts';

/** at most this many entries go in one transaction */
export const BATCH_MAX = 1_000;

export class WriteQueue {
  readonly #max: number;
  #waiting: Numbered[] = [];
  #nextNo = 1;

  constructor(max: number) {
    this.#max = max;
  }

  get size(): number {
    return this.#waiting.length;
  }

  /** Queues all of `entries` or, past the bound, none (and throws). */
  add(entries: UnnumberedEntry[]): void {
    if (this.#waiting.length + entries.length > this.#max) {
      throw new Error(`the event store has not taken the last ${this.#waiting.length} entries (it does not answer): no more are queued until it does`);
    }
    for (const entry of entries) this.#waiting.push({ localNo: this.#nextNo++, entry: structuredClone(entry) });
  }

  /** the oldest waiting entries; the same ones again until `taken` */
  batch(): Numbered[] {
    return this.#waiting.slice(0, BATCH_MAX);
  }

  /** the batch is stored: it stops waiting */
  taken(batch: Numbered[]): void {
    this.#waiting.splice(0, batch.length);
  }

  /** what waits is let go (the lease is lost): its count */
  drop(): number {
    const dropped = this.#waiting.length;
    this.#waiting = [];
    return dropped;
  }
}

// The entries a replica has decided and the store has not yet taken, in order and bounded: while
// PostgreSQL does not answer they wait here, and past the bound a replica is told at once
// (append throws) rather than growing without limit. What one append gave (one step of the
// actors: an input and the facts it caused) goes in one transaction, never split between two.
import type { UnnumberedEntry } from '../shared-store.ts';
import type { Numbered } from './append-batch.ts';

/** at most this many entries go in one transaction (more only when one append gave more) */
export const BATCH_MAX = 1_000;

export class WriteQueue {
  readonly #max: number;
  /** each append's entries, oldest first */
  #waiting: Numbered[][] = [];
  #size = 0;
  #nextNo = 1;

  constructor(max: number) {
    this.#max = max;
  }

  get size(): number {
    return this.#size;
  }

  /** Queues all of `entries` or, past the bound, none (and throws). */
  add(entries: UnnumberedEntry[]): void {
    if (this.#size + entries.length > this.#max) {
      throw new Error(`the event store has not taken the last ${this.#size} entries (it does not answer): no more are queued until it does`);
    }
    if (entries.length === 0) return;
    this.#waiting.push(entries.map((entry) => ({ localNo: this.#nextNo++, entry: structuredClone(entry) })));
    this.#size += entries.length;
  }

  /** the oldest waiting entries, each append's whole; the same ones again until `taken` */
  batch(): Numbered[] {
    const batch: Numbered[] = [];
    for (const appended of this.#waiting) {
      if (batch.length > 0 && batch.length + appended.length > BATCH_MAX) break;
      batch.push(...appended);
    }
    return batch;
  }

  /** the batch is stored: it stops waiting */
  taken(batch: Numbered[]): void {
    for (let left = batch.length; left > 0; ) left -= this.#waiting.shift()!.length;
    this.#size -= batch.length;
  }

  /** what waits is let go (the lease is lost): its count */
  drop(): number {
    const dropped = this.#size;
    this.#waiting = [];
    this.#size = 0;
    return dropped;
  }
}

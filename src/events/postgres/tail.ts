// Delivery: every entry stored by any replica, each once and in seq order. A LISTEN connection
// wakes the reader as soon as an append commits; a poll every `pollMs` (and one right after each
// of this replica's own commits) catches up whatever a notification missed: a LISTEN connection
// that dropped, a notification sent while it reconnected. Reading is always `seq > last`, which
// the append transaction makes safe (seqs commit in order).
import type { Client, Pool } from 'pg';
import type { LogEntry } from '../log-entry.ts';
import { ENTRIES_CHANNEL } from './append-batch.ts';
import { entriesAfter } from './entry-rows.ts';

export interface TailOptions {
  pool: Pool;
  /** a new, unconnected client for LISTEN */
  listenClient: () => Client;
  pollMs: number;
  deliver: (entries: LogEntry[]) => void;
  /** a read failed */
  failed: (error: Error) => void;
  /** a read succeeded */
  answered: () => void;
}

export class Tail {
  readonly #options: TailOptions;
  #last: number;
  #timer: ReturnType<typeof setInterval>;
  #listener: Client | undefined;
  #reading: Promise<void> | undefined;
  #readAgain = false;
  #stopped = false;

  constructor(options: TailOptions, after: number) {
    this.#options = options;
    this.#last = after;
    this.#timer = setInterval(() => this.poll(), options.pollMs);
    this.poll();
  }

  /** the seq of the last entry delivered */
  get last(): number {
    return this.#last;
  }

  /** Reads what is new now (once more after the current read, if one is running); resolves when read. */
  poll(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (!this.#listener) this.#listen();
    if (this.#reading) {
      this.#readAgain = true;
      return this.#reading;
    }
    this.#reading = this.#read().finally(() => {
      this.#reading = undefined;
      if (this.#readAgain) {
        this.#readAgain = false;
        void this.poll();
      }
    });
    return this.#reading;
  }

  async #read(): Promise<void> {
    try {
      for await (const entries of entriesAfter(this.#options.pool, this.#last)) {
        if (this.#stopped) return;
        this.#last = entries[entries.length - 1].seq;
        this.#options.deliver(entries);
      }
      this.#options.answered();
    } catch (error) {
      this.#options.failed(error as Error);
    }
  }

  #listen(): void {
    const client = this.#options.listenClient();
    this.#listener = client;
    // A LISTEN connection lost is not the store lost (the reads say whether it answers): the next poll connects again.
    const drop = () => {
      if (this.#listener !== client) return;
      this.#listener = undefined;
      client.end().catch(() => {});
    };
    client.on('notification', () => void this.poll());
    client.on('error', drop);
    client.on('end', () => drop());
    client
      .connect()
      .then(() => client.query(`LISTEN ${ENTRIES_CHANNEL}`))
      .then(() => this.poll()) // what was appended while it connected
      .catch(drop);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    const listener = this.#listener;
    this.#listener = undefined;
    await Promise.all([this.#reading, listener?.end().catch(() => {})]);
  }
}

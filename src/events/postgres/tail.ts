// Delivery: everything stored by any replica, each once and in order, for the entries and for
// the sign-outs alike. A LISTEN connection wakes the reader as soon as a write commits; a poll
// every `pollMs` (and one right after each of this replica's own commits) catches up whatever a
// notification missed: a LISTEN connection that dropped, a notification sent while it
// reconnected. Reading is always `position > last`, which the writing transactions make safe (each
// takes its positions from a row it locks until COMMIT, so positions commit in order).
import type { Client } from 'pg';

export interface TailOptions<T> {
  /** a new, unconnected client for LISTEN */
  listenClient: () => Client;
  /** the channel the writers notify on */
  channel: string;
  pollMs: number;
  /** what is stored after position `after`, a page at a time, in order */
  pages: (after: number) => AsyncIterable<TailPage<T>>;
  deliver: (items: T[]) => void;
  /** a read failed */
  failed: (error: Error) => void;
  /** a read succeeded */
  answered: () => void;
}

/** A page's items, and the position it read through: past any it left out, so those are not read again. */
export interface TailPage<T> {
  items: T[];
  through: number;
}

export class Tail<T> {
  readonly #options: TailOptions<T>;
  #last: number;
  #timer: ReturnType<typeof setInterval>;
  #listener: Client | undefined;
  #reading: Promise<Error | undefined> | undefined;
  #readAgain = false;
  #stopped = false;

  constructor(options: TailOptions<T>, after: number) {
    this.#options = options;
    this.#last = after;
    this.#timer = setInterval(() => this.poll(), options.pollMs);
    this.poll();
  }

  /** the position read through */
  get last(): number {
    return this.#last;
  }

  /** Reads what is new now (once more after the current read, if one is running); resolves when read. */
  poll(): Promise<void> {
    return this.#poll().then(() => {});
  }

  /**
   * Resolves once a read that began after this call is over: what was stored before it is
   * delivered. Rejects when that read failed.
   */
  async readFromNow(): Promise<void> {
    await this.#reading; // began before: it may have missed what committed since
    const failure = await this.#poll();
    if (failure) throw failure;
  }

  /** the read's failure, if it failed */
  #poll(): Promise<Error | undefined> {
    if (this.#stopped) return Promise.resolve(undefined);
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

  async #read(): Promise<Error | undefined> {
    try {
      for await (const page of this.#options.pages(this.#last)) {
        if (this.#stopped) return undefined;
        this.#last = page.through;
        if (page.items.length) this.#options.deliver(page.items);
      }
      this.#options.answered();
      return undefined;
    } catch (error) {
      this.#options.failed(error as Error);
      return error as Error;
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
      .then(() => client.query(`LISTEN ${this.#options.channel}`))
      .then(() => this.poll()) // what was written while it connected
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

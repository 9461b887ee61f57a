// Appends entries to the store, in order. When the store refuses one (a full disk), it and every
// entry after it wait in memory, in order, and are tried again every few seconds and with each new
// entry: the terminals keep running meanwhile. Whoever runs the system is told when writing stops
// (with why) and when it resumes.
import type { LogEntry } from '../events/log-entry.ts';
import type { EventStore } from '../events/store.ts';
import { errorText } from './error-text.ts';

export const RETRY_MS = 5_000;

/** Entries with seq > `after`, at most `limit`: the store's, then those still waiting to be written. */
export function logPage(store: EventStore, waiting: readonly LogEntry[], after: number, limit: number): LogEntry[] {
  const page: LogEntry[] = [];
  // Not one entry more than asked: the store's read cursor is where the last one read ends (the next page starts there).
  if (limit > 0) for (const entry of store.read(after)) if (page.push(entry) >= limit) return page;
  for (const entry of waiting) if (page.length < limit && entry.seq > (page.at(-1)?.seq ?? after)) page.push(entry);
  return page;
}

export class LogWriter {
  readonly #store: EventStore;
  readonly #report: (problem: string | undefined) => void;
  #waiting: LogEntry[] = [];
  #problem: string | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;

  /** `report` gets why writing stopped, then undefined once it works again. */
  constructor(store: EventStore, report: (problem: string | undefined) => void) {
    this.#store = store;
    this.#report = report;
  }

  append(entry: LogEntry): void {
    this.#waiting.push(entry);
    this.flush();
  }

  /** Entries not in the store yet, oldest first. */
  get waiting(): readonly LogEntry[] {
    return this.#waiting;
  }

  /** Tries to write what waits; true when nothing waits any more. */
  flush(): boolean {
    let written = 0;
    try {
      for (; written < this.#waiting.length; written++) this.#store.append(this.#waiting[written]);
    } catch (error) {
      this.#waiting = this.#waiting.slice(written);
      const problem = errorText(error);
      if (this.#problem === undefined) this.#report(problem);
      this.#problem = problem;
      this.#retry ??= setTimeout(() => {
        this.#retry = undefined;
        this.flush();
      }, RETRY_MS);
      (this.#retry as { unref?: () => void }).unref?.();
      return false;
    }
    this.#waiting = [];
    if (this.#problem !== undefined) {
      this.#problem = undefined;
      this.#report(undefined);
    }
    return true;
  }

  close(): void {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = undefined;
  }
}

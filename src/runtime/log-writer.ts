// Appends entries to the store, in order. When the store refuses one (a full disk), it and every
// entry after it wait in memory, in order, and are tried again every few seconds and with each new
// entry: the terminals keep running meanwhile. Whoever runs the system is told when writing stops
// (with why) and when it resumes.
import type { LogEntry } from '../events/log-entry.ts';
import type { EventStore } from '../events/store.ts';
import { errorText } from './error-text.ts';

export const RETRY_MS = 5_000;

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

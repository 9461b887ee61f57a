// Appends entries to the store, in order, a step at a time: one step of the actors (an input and
// every fact it caused) goes in one write, all of it or none, so the log never ends halfway
// through a step (a start's replay would derive the rest again, and hold what the log does not
// say). When the store refuses a step (a full disk), it and every step after it wait in memory,
// in order and whole, and are tried again every few seconds and with each new step: the terminals
// keep running meanwhile. Whoever runs the system is told when writing stops (with why) and when
// it resumes.
import type { ExecAdapter } from '../adapters/exec.ts';
import type { LogEntry } from '../events/log-entry.ts';
import { appendAll, type EventStore } from '../events/store.ts';
import type { Clock } from './clock.ts';
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

/**
 * The entries of the step under way. It is over when the command that began it returns (a call
 * of ExecSystem's, a timer, a stream's report: `stepped` below), the machines having taken it to
 * its end synchronously; at the latest, with the turn of the event loop it began in.
 */
export class Step<T> {
  #entries: T[] | undefined;

  /** `over` runs once the turn the step began in is over (when nobody took it before, it finds nothing) */
  constructor(private readonly over: () => void) {}

  add(entry: T): void {
    if (this.#entries === undefined) {
      this.#entries = [];
      queueMicrotask(this.over);
    }
    this.#entries.push(entry);
  }

  get open(): boolean {
    return this.#entries !== undefined;
  }

  /**
   * Runs a command. One begun between two steps is a step of its own, over as it returns: what it
   * caused goes to the log then, together. One begun within a step (a listener's, as the machines
   * report) is part of it.
   */
  command(run: () => void): void {
    const begins = !this.open;
    run();
    if (begins) this.over();
  }

  get entries(): readonly T[] {
    return this.#entries ?? [];
  }

  /** Its entries, which are the step's no more: it is over. */
  take(): T[] | undefined {
    const entries = this.#entries;
    this.#entries = undefined;
    return entries;
  }
}

/**
 * The clock and the adapter the machines get, each timer and each report of a stream a command
 * (Step.command): what it causes is on its way to the log as it returns, not a turn later.
 */
export function stepped(clock: Clock, adapter: ExecAdapter, step: Step<unknown>): { clock: Clock; adapter: ExecAdapter } {
  const command = (fn: () => void) => () => step.command(fn);
  return {
    clock: {
      now: () => clock.now(),
      sync: () => clock.sync(),
      clearTimeout: (id) => clock.clearTimeout(id),
      setTimeout: (fn, ms) => clock.setTimeout(command(fn), ms),
      setInputTimeout: (fn, ms) => clock.setInputTimeout(command(fn), ms),
    },
    adapter: {
      open: (request, listener) =>
        adapter.open(request, {
          opened: (protocol, prepared) => step.command(() => listener.opened(protocol, prepared)),
          stdout: (chunk) => step.command(() => listener.stdout(chunk)),
          stderr: (chunk) => step.command(() => listener.stderr(chunk)),
          ended: (end) => step.command(() => listener.ended(end)),
        }),
    },
  };
}

export class LogWriter {
  readonly #store: EventStore;
  readonly #report: (problem: string | undefined) => void;
  readonly #ended: (entries: LogEntry[]) => void;
  readonly step: Step<LogEntry> = new Step(() => void (this.step.open && this.flush()));
  /** whole steps, oldest first */
  #waiting: LogEntry[][] = [];
  /** steps over and written (or waiting), not yet told to `ended`; #folding while one is */
  #toFold: LogEntry[][] = [];
  #folding = false;
  #problem: string | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;

  /**
   * `report` gets why writing stopped, then undefined once it works again; `ended` each step once
   * it is over and its write was tried (written, or waiting): the log has it now.
   */
  constructor(store: EventStore, report: (problem: string | undefined) => void, ended: (entries: LogEntry[]) => void) {
    this.#store = store;
    this.#report = report;
    this.#ended = ended;
  }

  /** An entry of the step under way: written with the rest of it, once it is over (flush). */
  append(entry: LogEntry): void {
    this.step.add(entry);
  }

  /** Entries not in the store yet, oldest first (the step under way's last). */
  get waiting(): readonly LogEntry[] {
    return [...this.#waiting.flat(), ...this.step.entries];
  }

  /** Ends the step under way, and tries to write what waits; true when nothing waits any more. */
  flush(): boolean {
    const step = this.step.take();
    if (step) this.#waiting.push(step);
    const done = this.#write();
    if (step) this.#fold(step);
    return done;
  }

  /**
   * Tells `ended` of each step, in the log's order: a step that ends while an earlier one is told
   * (a listener's command: recorder.ts asks for a recording as it hears of a terminal) waits until
   * that one has been told whole, or the projections would fold its entries amid the earlier's,
   * and differ from what a replay of the log folds.
   */
  #fold(step: LogEntry[]): void {
    this.#toFold.push(step);
    if (this.#folding) return;
    this.#folding = true;
    try {
      for (let next = this.#toFold.shift(); next; next = this.#toFold.shift()) this.#ended(next);
    } finally {
      this.#folding = false;
    }
  }

  #write(): boolean {
    let written = 0;
    try {
      for (; written < this.#waiting.length; written++) appendAll(this.#store, this.#waiting[written]);
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

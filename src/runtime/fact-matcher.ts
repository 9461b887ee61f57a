// The determinism check of a replay: the facts the machines derive again must be the logged
// entries, one for one, in order. Compared as they come, so a replay of any length holds only
// the few facts that run ahead of the log.
import type { LogEntry } from '../events/log-entry.ts';
import type { Fact } from '../machines/facts.ts';

export class FactMatcher {
  #logged: LogEntry[] = [];
  #derived: Fact[] = [];
  /** the first difference, once there is one (nothing after it is compared) */
  divergence: string | undefined;

  logged(entry: LogEntry): void {
    if (this.divergence) return;
    this.#logged.push(entry);
    this.#match();
  }

  derived(fact: Fact): void {
    if (this.divergence) return;
    this.#derived.push(fact);
    this.#match();
  }

  /** The replay is over: an entry no fact matched, or a fact no entry did, is a difference too. */
  finish(): string | undefined {
    if (!this.divergence && (this.#logged.length || this.#derived.length)) this.#differ(this.#logged[0], this.#derived[0]);
    this.#logged = [];
    this.#derived = [];
    return this.divergence;
  }

  #match(): void {
    while (this.#logged.length && this.#derived.length) {
      const entry = this.#logged.shift()!;
      const fact = this.#derived.shift()!;
      const { seq: _seq, time: _time, ...logged } = entry;
      if (JSON.stringify(logged) !== JSON.stringify(fact)) return this.#differ(entry, fact);
    }
  }

  #differ(entry: LogEntry | undefined, fact: Fact | undefined): void {
    this.divergence = `entry ${entry?.seq ?? '(none)'}: logged ${JSON.stringify(entry?.type)}, replay derived ${JSON.stringify(fact?.type)}`;
  }
}

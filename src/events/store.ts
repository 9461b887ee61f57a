// Where the event log lives. Two stores behind this one interface: memory (tests) and a JSONL
// file (the embedded default). Appends are synchronous so that a fact is on its way to the
// disk before the actors take their next step.
import type { LogDamage, LogEntry } from './log-entry.ts';

export interface EventStore {
  /** every intact entry, oldest first, and what was damaged */
  load(): { entries: LogEntry[]; damage: LogDamage[] };
  append(entry: LogEntry): void;
  close(): void;
}

export class MemoryStore implements EventStore {
  readonly entries: LogEntry[] = [];

  load() {
    return { entries: [...this.entries], damage: [] };
  }

  append(entry: LogEntry): void {
    this.entries.push(structuredClone(entry));
  }

  close(): void {}
}

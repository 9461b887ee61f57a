// Where the event log lives: one interface, so a second store (a database) drops in beside the
// files without the machines or projections knowing. Appends are synchronous so that a fact is
// on its way to the disk before the actors take their next step. A start reads the newest usable
// snapshot and the entries after it, so its cost does not grow with history; compaction removes
// what no snapshot or reader needs any more.
import { CompactionPlanner, type CompactionPolicy, type CompactionReport } from './compaction-rules.ts';
import type { LogDamage, LogEntry } from './log-entry.ts';

/** The state a start needs, as of entry `seq`. */
export interface Snapshot {
  /** the last entry it covers */
  seq: number;
  /** the version of `state`'s shape: a reader skips a format it does not know */
  format: number;
  /** ms since the epoch, when it was taken */
  time: number;
  state: unknown;
}

export interface StoredSnapshot {
  /** where it is kept, as warnings name it */
  name: string;
  seq: number;
  /** reads and checks it; throws an Error saying what is wrong (damaged, truncated) */
  load(): Snapshot;
}

export interface EventStore {
  /** the entries with seq > `after`, oldest first, read as they are consumed; each damaged line is reported and skipped */
  read(after: number, onDamage?: (damage: LogDamage) => void): Iterable<LogEntry>;
  /** stores one entry, or throws (a full disk) having stored nothing of it */
  append(entry: LogEntry): void;
  /**
   * stores entries written together (one step of the actors: an input and the facts it caused) in
   * one write, or throws (a full disk) having stored none of them; a store without it, which
   * cannot fail halfway, takes them one by one (`appendAll` below)
   */
  appendAll?(entries: readonly LogEntry[]): void;
  /** stores a snapshot whole or not at all, or throws; older ones beyond the last few are let go */
  putSnapshot(snapshot: Snapshot): void;
  /** the snapshots kept, newest first */
  snapshots(): StoredSnapshot[];
  /** the highest seq a compaction that changed the log worked through: only a snapshot at or after it can start a system */
  compactedThrough(): number;
  /** removes what `policy` allows of the entries it covers (never the newest ones) */
  compact(policy: CompactionPolicy): Promise<CompactionReport>;
  close(): void;
}

/** Stores `entries` all or none, as `store` can. */
export function appendAll(store: EventStore, entries: readonly LogEntry[]): void {
  if (store.appendAll) store.appendAll(entries);
  else for (const entry of entries) store.append(entry);
}

/** How many snapshots a store keeps: one can be damaged and a start still needs no full replay. */
export const SNAPSHOTS_KEPT = 3;

/** The log in memory, for tests and one-shot commands. Snapshots go through JSON as they would to a disk. */
export class MemoryStore implements EventStore {
  readonly entries: LogEntry[] = [];
  #snapshots: { seq: number; json: string }[] = [];
  #compactedThrough = 0;

  *read(after: number): Iterable<LogEntry> {
    for (const entry of this.entries) if (entry.seq > after) yield entry;
  }

  append(entry: LogEntry): void {
    this.entries.push(structuredClone(entry));
  }

  putSnapshot(snapshot: Snapshot): void {
    this.#snapshots = [{ seq: snapshot.seq, json: JSON.stringify(snapshot) }, ...this.#snapshots].slice(0, SNAPSHOTS_KEPT);
  }

  snapshots(): StoredSnapshot[] {
    return this.#snapshots.map(({ seq, json }) => ({ name: `memory snapshot ${seq}`, seq, load: () => JSON.parse(json) as Snapshot }));
  }

  compactedThrough(): number {
    return this.#compactedThrough;
  }

  async compact(policy: CompactionPolicy): Promise<CompactionReport> {
    const planner = new CompactionPlanner(policy);
    for (const entry of this.entries) planner.observe(entry);
    const rules = planner.rules();
    const before = this.entries.length;
    const kept = this.entries.flatMap((entry) => rules.apply(entry) ?? []);
    const changed = kept.length !== before || kept.some((entry, i) => entry !== this.entries[i]);
    if (!changed) return { removed: 0, auditRecords: 0, rewritten: 0 }; // as the file store: nothing went, so nothing is marked
    this.entries.length = 0;
    for (const entry of kept) this.entries.push(entry); // not push(...kept): a long log overflows the stack
    this.#compactedThrough = Math.max(this.#compactedThrough, policy.through);
    return { removed: before - kept.length, auditRecords: rules.recordsKept, rewritten: 1 };
  }

  close(): void {}
}

// Keeps the log and the state from growing without end while the server runs: after a
// snapshot, at most once an hour, it closes the terminals that ended longer ago than retention
// keeps (a close like the user's, logged), then compacts what the second newest usable snapshot
// covers (so a start always has one to fall back on), under the retention policy. `octant-exec
// log compact` compacts the same way now; it cannot close anything (only the machines can).
// On a log replicas share, each replica closes the old terminals it holds and those of lost
// replicas (taken over first), and one replica at a time compacts.
import type { CompactionPolicy, CompactionReport } from '../events/compaction-rules.ts';
import type { EventStore } from '../events/store.ts';
import type { ExecSystem } from './exec-system.ts';
import { errorText } from './error-text.ts';
import { compactionBase } from './snapshot-choice.ts';

export interface Retention {
  /** sessions ended this long ago are closed, then removed from the log but for their audit records; 0: keep everything */
  days: number;
  /** kept audit records of runs that ended this long ago go too; 0: keep them */
  auditDays: number;
}

export const DEFAULT_RETENTION: Retention = { days: 90, auditDays: 0 };
export const COMPACT_EVERY_MS = 60 * 60_000;
const DAY_MS = 86_400_000;

/** A log compaction works on: how far it may go (undefined: not two usable snapshots yet), and the compaction itself. */
export interface CompactableLog {
  compactionBase(): Promise<number | undefined> | number | undefined;
  compact(policy: CompactionPolicy): Promise<CompactionReport>;
}

/** A file store as a CompactableLog. */
export function fileLog(store: EventStore, warn: (message: string) => void): CompactableLog {
  return { compactionBase: () => compactionBase(store, warn), compact: (policy) => store.compact(policy) };
}

/** What a compaction now may do, or undefined when there are not yet two usable snapshots. */
export function compactionPolicy(store: EventStore, retention: Retention, now: number, warn: (message: string) => void): CompactionPolicy | undefined {
  const through = compactionBase(store, warn);
  return through === undefined ? undefined : retentionPolicy(through, retention, now);
}

function retentionPolicy(through: number, retention: Retention, now: number): CompactionPolicy {
  return {
    through,
    ...(retention.days > 0 ? { expireBefore: now - retention.days * DAY_MS } : {}),
    ...(retention.auditDays > 0 ? { dropRecordsBefore: now - retention.auditDays * DAY_MS } : {}),
  };
}

export class LogUpkeep {
  #running: Promise<CompactionReport | undefined> | undefined;
  #lastRun = -Infinity;
  readonly #stop: () => void;
  /** what else goes with the runs retention lets go (the recordings of the runs) */
  #alsoExpire: ((before: number) => void) | undefined;

  constructor(
    private readonly system: ExecSystem,
    private readonly log: CompactableLog,
    private readonly retention: Retention,
    private readonly warn: (message: string) => void,
    /** the time retention counts from (default the system's clock; a test moves it days on) */
    private readonly now: () => number = () => system.clock.now(),
  ) {
    this.#stop = system.onSnapshot(() => {
      if (this.now() - this.#lastRun >= COMPACT_EVERY_MS) void this.compact();
    });
  }

  /** Each compaction with retention also calls `expire` with the time before which runs are let go. */
  alsoExpire(expire: (before: number) => void): void {
    this.#alsoExpire = expire;
  }

  /** Compacts now, unless a compaction is already under way; resolves with what it did. */
  compact(): Promise<CompactionReport | undefined> {
    this.#running ??= this.#compact().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #compact(): Promise<CompactionReport | undefined> {
    try {
      // In the try: reading the snapshots can fail too (EMFILE, EIO), and nobody awaits a compaction a snapshot started.
      const through = await this.log.compactionBase();
      if (through === undefined) return undefined; // not two snapshots yet: the next one tries again
      const policy = retentionPolicy(through, this.retention, this.now());
      this.#lastRun = this.now();
      if (policy.expireBefore !== undefined) {
        await this.#closeEndedBefore(policy.expireBefore);
        this.#alsoExpire?.(policy.expireBefore);
      }
      return await this.log.compact(policy);
    } catch (error) {
      this.warn(`compaction of the event log stopped (${errorText(error)}): each segment is whole, compacted or as it was; it is tried again in an hour`);
      return undefined;
    }
  }

  /**
   * Closes the terminals that ended before `time`. Compaction removes only closed sessions (one
   * still listed may be restarted, and its next run must stay in the log); this is what lets an
   * old one go, and keeps the state, and so every snapshot and start, from growing with them.
   */
  async #closeEndedBefore(time: number): Promise<void> {
    const { order, byId } = this.system.sessionList;
    // endedAt is there while a terminal is ended (a restart clears it)
    for (const id of order.filter((id) => (byId[id].endedAt ?? Infinity) < time)) {
      // With replicas: a live replica closes its own; a lost one's are taken over first.
      if (this.system.holds(id) || (await this.system.adopt(id))) this.system.close(id);
    }
  }

  /** Stops compacting after snapshots; resolves once a compaction under way is over (each is safe to stop, but tidier to finish). */
  async close(): Promise<void> {
    this.#stop();
    await this.#running;
  }
}

// Keeps the log and the state from growing without end while the server runs: after a
// snapshot, at most once an hour, it closes the terminals that ended longer ago than retention
// keeps (a close like the user's, logged), then compacts what the second newest usable snapshot
// covers (so a start always has one to fall back on), under the retention policy. `octant-exec
// log compact` compacts the same way now; it cannot close anything (only the machines can).
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

/** What a compaction now may do, or undefined when there are not yet two usable snapshots. */
export function compactionPolicy(store: EventStore, retention: Retention, now: number, warn: (message: string) => void): CompactionPolicy | undefined {
  const through = compactionBase(store, warn);
  if (through === undefined) return undefined;
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

  constructor(
    private readonly system: ExecSystem,
    private readonly store: EventStore,
    private readonly retention: Retention,
    private readonly warn: (message: string) => void,
  ) {
    this.#stop = system.onSnapshot(() => {
      if (this.system.clock.now() - this.#lastRun >= COMPACT_EVERY_MS) void this.compact();
    });
  }

  /** Compacts now, unless a compaction is already under way; resolves with what it did. */
  compact(): Promise<CompactionReport | undefined> {
    this.#running ??= this.#compact().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #compact(): Promise<CompactionReport | undefined> {
    try {
      // In the try: reading the snapshots can fail too (EMFILE, EIO), and nobody awaits a compaction a snapshot started.
      const policy = compactionPolicy(this.store, this.retention, this.system.clock.now(), this.warn);
      if (!policy) return undefined; // not two snapshots yet: the next one tries again
      this.#lastRun = this.system.clock.now();
      if (policy.expireBefore !== undefined) this.#closeEndedBefore(policy.expireBefore);
      return await this.store.compact(policy);
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
  #closeEndedBefore(time: number): void {
    const { order, byId } = this.system.sessionList;
    // endedAt is there while a terminal is ended (a restart clears it)
    for (const id of order.filter((id) => (byId[id].endedAt ?? Infinity) < time)) this.system.close(id);
  }

  /** Stops compacting after snapshots; resolves once a compaction under way is over (each is safe to stop, but tidier to finish). */
  async close(): Promise<void> {
    this.#stop();
    await this.#running;
  }
}

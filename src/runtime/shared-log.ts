// A replica's side of an event log several replicas share (events/shared-store.ts): what it
// appends and what it refuses while the database does not answer, the terminals and batches it
// ends for a lost replica, the terminals it takes over from one, and its snapshots (only the
// projections).
import type { LogEntry } from '../events/log-entry.ts';
import type { ReplicaInfo, SharedStore, UnnumberedEntry } from '../events/shared-store.ts';
import { runs, type SessionList, type SessionRow } from '../events/projections/session-list.ts';
import type { BatchRow, Batches } from '../events/projections/batches.ts';
import type { SupervisorEvent } from '../machines/supervisor.ts';
import { errorText } from './error-text.ts';
import { Step } from './log-writer.ts';
import { SHARED_SNAPSHOT_FORMAT, type SharedState } from './system-snapshot.ts';

export class SharedLog {
  readonly step: Step<UnnumberedEntry> = new Step(() => this.flush());

  constructor(
    readonly store: SharedStore,
    private readonly warn: (message: string) => void,
  ) {}

  get replica(): ReplicaInfo {
    return this.store.replica;
  }

  /** An entry of the step under way (log-writer.ts): queued with the rest of it, in one transaction, once it is over. */
  append(entry: UnnumberedEntry): void {
    this.step.add(entry);
  }

  /** Ends the step under way and queues it; one the store cannot take any more (its buffer full after a long outage) is lost, and said so. */
  flush(): void {
    const entries = this.step.take();
    if (!entries) return;
    try {
      this.store.append(entries);
    } catch (error) {
      this.warn(`${entries.length === 1 ? 'an entry' : `${entries.length} entries`} of the event log ${entries.length === 1 ? 'is' : 'are'} lost (${errorText(error)}): ${entries.map((entry) => entry.type).join(', ')}`);
    }
  }

  /** Resolves once everything appended so far, the step under way included, is stored and delivered. */
  flushed(timeoutMs: number): Promise<void> {
    this.flush();
    return this.store.flushed(timeoutMs);
  }

  /** Stores what waits (for `timeoutMs` at most), then lets the store go. */
  close(timeoutMs: number): Promise<void> {
    this.flush();
    return this.store.close(timeoutMs);
  }

  /** Why no new terminal can start now, if so: the database does not answer. */
  get refusesExecs(): string | undefined {
    if (this.store.available) return undefined;
    return "The event log's database does not answer, so no new terminal can start: running terminals go on. Try again when it is back (the page shows a banner until then).";
  }

  /**
   * Ends in the log what replica `lost` ran (the store handed it to this replica alone): its
   * running terminals are disconnected (replicaLost), and its running batches stopped so (what
   * they had queued never starts: nothing else would run it) and finished, in one step, so no
   * replica ever lists a batch half ended. Their ids. Each terminal's end names `lost`: the store
   * keeps one per terminal and lost replica (once-keys.ts), should another claimer write it again.
   */
  endRunsOf(lost: ReplicaInfo, { sessionList, batches }: { sessionList: SessionList; batches: Batches }, now: number): { terminals: string[]; batches: string[] } {
    const terminals = Object.values(sessionList.byId).filter((row) => row.replica === lost.id && runs(row));
    const ending = Object.values(batches.byId).filter((batch) => batch.state === 'running' && runsOn(batch, lost.id));
    const detail = `replica ${lost.id} (${lost.advertise}) stopped answering`;
    for (const { batchId, stopped, results } of ending) {
      // one stopped already (a cancel whose runs were still ending) keeps what stopped it
      if (!stopped) this.append({ type: 'batch.stopped', batchId, because: 'replicaLost', notStarted: results.filter((r) => r.state === 'queued').map((r) => r.target), time: now });
    }
    for (const row of terminals) this.append({ type: 'session.disconnected', sessionId: row.sessionId, reason: 'replicaLost', detail, replica: lost.id, time: now });
    for (const { batchId } of ending) this.append({ type: 'batch.finished', batchId, time: now });
    this.flush();
    return { terminals: terminals.map((row) => row.sessionId), batches: ending.map((batch) => batch.batchId) };
  }

  /**
   * The event that takes `row` over here: when it is an ended terminal of another replica, one
   * not live any more (else its holder answers for it), and the store lets this replica have it.
   */
  async adoption(row: SessionRow | undefined): Promise<Extract<SupervisorEvent, { type: 'ADOPT' }> | undefined> {
    if (!row?.replica || row.replica === this.replica.id || runs(row)) return undefined;
    if (!(await this.store.adopt(row.sessionId, row.replica))) return undefined;
    const { sessionId, target, command, interactive, stdin, person, idleTimeoutMs, run, mode } = row;
    return { type: 'ADOPT', from: row.replica, session: { sessionId, target, command, interactive, ...(stdin ? { stdin } : {}), ...(person ? { person } : {}), idleTimeoutMs, run, ...(mode ? { mode } : {}) } };
  }

  /** Writes a snapshot of `state` as of `seq`, unless the database does not answer; `written` once it is stored. */
  writeSnapshot(seq: number, state: SharedState, time: number, written: () => void): boolean {
    if (!this.store.available) return false;
    this.store.putSnapshot({ seq, format: SHARED_SNAPSHOT_FORMAT, time, state }).then(written, (error: unknown) =>
      this.warn(`no snapshot written (${errorText(error)}): the log is whole, and the next one is tried later`),
    );
    return true;
  }

  read(after: number, limit: number): Promise<LogEntry[]> {
    return this.store.read(after, limit);
  }
}

/** Whether replica `id` runs `batch`: as logged, or for a batch an older build logged, by its id (a replica's ids start with its own). */
function runsOn(batch: BatchRow, id: string): boolean {
  return batch.replica ? batch.replica === id : batch.batchId.startsWith(`${id}-`);
}

// What compaction removes, decided from the whole log before anything is rewritten, the same for
// every store. Only entries a usable snapshot covers (seq <= `through`) are touched; a start never
// reads them again, so removing them changes what the log tells a reader, never the state:
// - activity entries of a run that has ended: they only ever said "still busy";
// - with retention, every entry of a session that is closed and saw nothing before its close
//   since `expireBefore`, except for one `audit.record` per run (who, target, argv, start, end,
//   how it ended) at the run's start and its `session.closed`, so the audit trail read from the
//   log stays whole; and refused exec actions and finished batches of that age, the same way.
//   A session not closed is never expired, however old: it is still in the state, and a restart
//   would go on in the log (the server's upkeep closes ended sessions of that age first);
// - with audit retention, `audit.record` entries of runs that ended before `dropRecordsBefore`,
//   and the closes of their sessions.
import { RUN_ENDING_FACTS } from '../domain/run-endings.ts';
import { applyEntries } from './projection.ts';
import { auditTrail, closedOnItsOwn, type AuditRecord, type AuditTrail } from './projections/audit-trail.ts';
import type { LogEntry } from './log-entry.ts';

export interface CompactionPolicy {
  /** the seq a usable snapshot covers: nothing after it is touched */
  through: number;
  /** ms since the epoch: sessions quiet and ended since before then are removed, their audit records kept */
  expireBefore?: number;
  /** ms since the epoch: kept audit records of runs that ended before then are removed too */
  dropRecordsBefore?: number;
}

export interface CompactionReport {
  removed: number;
  /** audit records written in place of removed runs */
  auditRecords: number;
  /** files (or tables) rewritten */
  rewritten: number;
  /** set when another compaction holds the log */
  busy?: string;
}

interface SessionSummary {
  /** the seq of its latest ending or close at or before `through` (0: none) */
  lastEnd: number;
  /** ended or closed, and not restarted since */
  ended: boolean;
  /** closed at or before `through`: nothing more can happen to it */
  closed: boolean;
  /** its latest entry's time; not its close after it had ended (retention closes what it found quiet) */
  lastTime: number;
  /** it has entries after `through`: still moving, never removed */
  later: boolean;
  /** some of its entries went into the audit trail (they were old) */
  folded: boolean;
}

export interface CompactionRules {
  /** the entry as it stays, its replacement, or undefined when it goes */
  apply(entry: LogEntry): LogEntry | undefined;
  /** whether `apply` would replace or remove the entry (and nothing is counted) */
  changes(entry: LogEntry): boolean;
  /** how many audit records `apply` has put in place of removed runs */
  readonly recordsKept: number;
}

/** folded into the audit trail at a time (immer copies the trail once per batch) */
const AUDIT_BATCH = 1_000;

/** Observes the whole log, oldest first, then says what goes. */
export class CompactionPlanner {
  readonly #policy: CompactionPolicy;
  readonly #sessions = new Map<string, SessionSummary>();
  /** old exec actions and batches: which sessions they made */
  readonly #requests = new Map<string, string[]>();
  readonly #batches = new Map<string, { sessions: string[]; finishedAt?: number }>();
  /** the audit trail of everything that may expire (old sessions and refusals), folded as it comes */
  #audit: AuditTrail = auditTrail(Infinity).initial();
  #auditBatch: LogEntry[] = [];

  constructor(policy: CompactionPolicy) {
    this.#policy = policy;
  }

  #old(time: number): boolean {
    return this.#policy.expireBefore !== undefined && time < this.#policy.expireBefore;
  }

  observe(entry: LogEntry): void {
    const covered = entry.seq <= this.#policy.through;
    let summary: SessionSummary | undefined;
    if ('sessionId' in entry) {
      summary = this.#sessions.get(entry.sessionId) ?? { lastEnd: 0, ended: false, closed: false, lastTime: entry.time, later: false, folded: false };
      this.#sessions.set(entry.sessionId, summary);
      if (!(entry.type === 'session.closed' && summary.ended)) summary.lastTime = entry.time;
      if (!covered) summary.later = true;
      else if (RUN_ENDING_FACTS.has(entry.type) || entry.type === 'session.closed') Object.assign(summary, { lastEnd: entry.seq, ended: true, closed: entry.type === 'session.closed' });
      else if (entry.type === 'session.restarted') summary.ended = false;
      if (entry.type === 'session.spawned' && entry.batchId) this.#batches.get(entry.batchId)?.sessions.push(entry.sessionId);
    }
    // A close on its own comes after the end that makes its session old, often newer than
    // `expireBefore`: it goes on the session's record all the same, or the record would not say it
    // and every export would have to hold a note for it (audit-records.ts).
    const lateCloseOnItsOwn = entry.type === 'session.closed' && !!summary?.folded && !!closedOnItsOwn(entry);
    if (!covered || !(this.#old(entry.time) || lateCloseOnItsOwn)) return;
    if (entry.type === 'exec.requested') this.#requests.set(entry.requestId, entry.sessionIds);
    if (entry.type === 'batch.started') this.#batches.set(entry.batchId, { sessions: [] });
    if (entry.type === 'batch.finished') {
      const batch = this.#batches.get(entry.batchId);
      if (batch) batch.finishedAt = entry.time;
    }
    // What an old session's audit records need: its lifecycle facts, not its activity (and its
    // batch's stop and finish: who cancelled it is who stopped its runs).
    if (entry.type !== 'session.activity' && ('sessionId' in entry || entry.type === 'exec.refused' || entry.type === 'batch.stopped' || entry.type === 'batch.finished')) {
      this.#auditBatch.push(entry);
      if (summary) summary.folded = true;
      if (this.#auditBatch.length >= AUDIT_BATCH) this.#foldAudit();
    }
  }

  #foldAudit(): void {
    this.#audit = applyEntries(auditTrail(Infinity), this.#audit, this.#auditBatch);
    this.#auditBatch = [];
  }

  rules(): CompactionRules {
    this.#foldAudit();
    const { through, dropRecordsBefore } = this.#policy;
    const sessions = this.#sessions;
    const expired = (sessionId: string) => {
      const s = sessions.get(sessionId);
      return !!s && s.closed && !s.later && this.#old(s.lastTime);
    };
    // The kept records, by the run (or refusal) they stand for.
    const records = new Map<string, AuditRecord>();
    for (const record of this.#audit.records) {
      if (record.sessionId === undefined) records.set(`refused ${record.requestId}`, record);
      else if (expired(record.sessionId)) records.set(`${record.sessionId} ${record.run}`, record);
    }
    let recordsKept = 0;
    // A run start becomes its record; without one (never expected) the entry stays as it is.
    const keep = (entry: LogEntry, record: AuditRecord | undefined): LogEntry => (record ? { type: 'audit.record', record, seq: entry.seq, time: entry.time } : entry);
    const batchExpired = (batchId: string) => {
      const batch = this.#batches.get(batchId);
      return !!batch && batch.finishedAt !== undefined && this.#old(batch.finishedAt) && batch.sessions.every(expired);
    };
    const decide = (entry: LogEntry): LogEntry | undefined => {
      if (entry.seq > through) return entry;
      switch (entry.type) {
        case 'audit.record': {
          const endedAt = entry.record.endedAt ?? entry.record.startedAt;
          return dropRecordsBefore !== undefined && endedAt < dropRecordsBefore ? undefined : entry;
        }
        case 'exec.refused':
          return this.#old(entry.time) ? keep(entry, records.get(`refused ${entry.requestId}`)) : entry;
        case 'exec.requested':
          return this.#requests.get(entry.requestId)?.every(expired) ? undefined : entry;
        case 'batch.started':
        case 'batch.stopped':
        case 'batch.finished':
          return batchExpired(entry.batchId) ? undefined : entry;
      }
      if (!('sessionId' in entry)) return entry;
      if (expired(entry.sessionId)) {
        if (entry.type === 'session.spawned') return keep(entry, records.get(`${entry.sessionId} 1`));
        if (entry.type === 'session.restarted') return keep(entry, records.get(`${entry.sessionId} ${entry.run}`));
        // The close stays beside the records: a reader of the trail then knows the session is over.
        if (entry.type === 'session.closed') return dropRecordsBefore !== undefined && entry.time < dropRecordsBefore ? undefined : entry;
        return undefined;
      }
      const ran = sessions.get(entry.sessionId);
      return entry.type === 'session.activity' && ran && entry.seq < ran.lastEnd ? undefined : entry;
    };
    return {
      get recordsKept() {
        return recordsKept;
      },
      apply: (entry) => {
        const kept = decide(entry);
        if (kept !== entry && kept?.type === 'audit.record') recordsKept++;
        return kept;
      },
      changes: (entry) => decide(entry) !== entry,
    };
  }
}

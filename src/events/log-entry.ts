// One line of the event log: a fact, numbered and stamped; or, where compaction removed a run's
// entries, the audit record it kept of that run.
import type { Fact } from '../machines/facts.ts';
import type { AuditRecord } from './projections/audit-trail.ts';

/** What retention keeps of a run it removed: its audit record, at the seq and time of the run's start. */
export interface KeptAuditRecord {
  type: 'audit.record';
  record: AuditRecord;
}

export type LogEntry = (Fact | KeptAuditRecord) & {
  /** 1, 2, 3…: position in the log, never reused */
  seq: number;
  /** ms since the epoch, from the system's clock */
  time: number;
};

/**
 * Something wrong found while reading a log: a line of a file (or table) that is not an entry, or
 * an entry read whole that a replay could not take (its seq; see src/runtime/log-replay.ts). The
 * entries around it are kept.
 */
export type LogDamage = { file: string; line: number; seq?: undefined; problem: string } | { seq: number; file?: undefined; line?: undefined; problem: string };

/** Where damage is, as a warning names it: `log/events-….jsonl line 42`, or `entry 42`. */
export function damagePlace(damage: LogDamage): string {
  return damage.seq === undefined ? `${damage.file} line ${damage.line}` : `entry ${damage.seq}`;
}

/** The warning a damaged line or row is, wherever it is read. */
export function damageWarning(damage: LogDamage): string {
  return `event log: ${damagePlace(damage)} skipped: ${damage.problem}`;
}

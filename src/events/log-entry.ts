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

/** Something wrong found while reading a log: the entries around it are kept. */
export interface LogDamage {
  /** the file (or table) it is in */
  file: string;
  line: number;
  problem: string;
}

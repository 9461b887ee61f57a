// `octant-exec log export`: the audit trail as JSON Lines on stdout, one record per run, in the
// order the runs started: for anyone who must keep it longer than the log does. On a damaged log
// (lines skipped, entries lost: what `log verify` finds) every record it can make is written, and
// stderr says what was skipped, with exit 1: the export is not the whole trail.
import process from 'node:process';
import { auditRecordsOfTwoReads } from '../../events/audit-records.ts';
import type { LogEntry } from '../../events/log-entry.ts';
import type { LogOptions } from './log-command.ts';
import { MissingEntries } from './log-verify.ts';
import { UsageError } from '../usage.ts';
import { Stdout } from '../stdout-lines.ts';

export async function exportCommand({ store, since }: LogOptions): Promise<number> {
  const from = since === undefined ? -Infinity : parseSince(since);
  const out = new Stdout();
  let damaged = 0;
  const missing = new MissingEntries();
  let lines: string[] = [];
  // two reads: the first notes the closes on their own, which the second puts on records long out (audit-records.ts)
  for (const record of auditRecordsOfTwoReads(store.read(0), noting(store.read(0, () => void (damaged++, missing.damaged())), missing))) {
    if (record.startedAt < from) continue;
    lines.push(JSON.stringify(record) + '\n');
    if (lines.length >= 1_000) {
      await out.write(lines.join(''));
      lines = [];
      if (out.gone) return 0; // `log export | head`: the reader has what it wanted
    }
  }
  await out.write(lines.join(''));
  if (out.gone) return 0;
  const problems = missing.problems(store.compactedThrough()); // after the read, as verify's
  if (damaged) problems.unshift(`${damaged} damaged line${damaged === 1 ? ' of the log was' : 's of the log were'} skipped (octant-exec log verify lists them)`);
  for (const problem of problems) process.stderr.write(`octant-exec log export: ${problem}; the runs they held are missing from the export, or incomplete\n`);
  return problems.length ? 1 : 0;
}

/** `entries` as they are, each told to `missing` on its way. */
function* noting(entries: Iterable<LogEntry>, missing: MissingEntries): Iterable<LogEntry> {
  for (const entry of entries) {
    missing.read(entry.seq);
    yield entry;
  }
}

function parseSince(text: string): number {
  const time = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(text) && isCalendarDay(text.slice(0, 10)) ? Date.parse(text) : NaN;
  if (Number.isNaN(time)) throw new UsageError(`--since takes a date like 2026-01-31 or an ISO time like 2026-01-31T12:00:00Z, not "${text.slice(0, 40)}"`);
  return time;
}

/** YYYY-MM-DD names a day the calendar has: Date.parse takes 2026-02-30 for March 2. */
function isCalendarDay(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number);
  const parsed = new Date(Date.UTC(year, month - 1, day));
  return parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === day;
}

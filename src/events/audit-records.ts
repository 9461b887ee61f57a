// The whole audit trail of a log, as a stream: each record comes out as soon as it and every
// record before it are finished, in the order the runs started, so a log of any length is
// written out holding only the runs still open. Runs the log leaves open come out at the end.
// A terminal closed on its own (--max-ended-per-person) says so on its last run's record, but
// that close comes long after the run ended (it closes the terminal that ended longest ago), when
// the record is out already: holding every record until its terminal closes would hold everything
// after a terminal left ended for weeks. So a first read of the log notes those closes
// (closesOnTheirOwn), and the stream puts each on its record as it comes out.
import { produce } from 'immer';
import { applyEntries } from './projection.ts';
import { auditTrail, closedOnItsOwn, dropFinished, type AuditRecord } from './projections/audit-trail.ts';
import type { LogEntry } from './log-entry.ts';

/** entries folded at a time (immer copies the trail once per batch) */
const BATCH = 1_000;

/** closes on their own, by the run they closed (`SESSION RUN`): what they add to its record */
export type ClosesOnTheirOwn = Map<string, NonNullable<AuditRecord['closedOnItsOwn']>>;

const runKey = (sessionId: string, run: number | undefined) => `${sessionId} ${run}`;

/**
 * The closes on their own of a log, read before `auditRecords` reads it again. Holds one note per
 * such close (a record compaction wrote that says it already needs none), and the terminals not
 * closed: what the server holds too.
 */
export function closesOnTheirOwn(entries: Iterable<LogEntry>): ClosesOnTheirOwn {
  /** each terminal not closed: its current run, and whether a record compaction wrote says it is closed on its own */
  const open = new Map<string, { run: number | undefined; said: boolean }>();
  const closes: ClosesOnTheirOwn = new Map();
  for (const entry of entries) {
    if (entry.type === 'session.spawned') open.set(entry.sessionId, { run: 1, said: false });
    else if (entry.type === 'session.restarted' && open.has(entry.sessionId)) open.set(entry.sessionId, { run: entry.run, said: false });
    else if (entry.type === 'audit.record' && entry.record.sessionId !== undefined) open.set(entry.record.sessionId, { run: entry.record.run, said: !!entry.record.closedOnItsOwn });
    else if (entry.type === 'session.closed') {
      const terminal = open.get(entry.sessionId);
      const closed = closedOnItsOwn(entry);
      if (terminal && closed && !terminal.said) closes.set(runKey(entry.sessionId, terminal.run), closed);
      open.delete(entry.sessionId);
    }
  }
  return closes;
}

/** The records of `entries`, with what `closes` (closesOnTheirOwn of the same log) adds to them. */
export function* auditRecords(entries: Iterable<LogEntry>, closes: ClosesOnTheirOwn = new Map()): Generator<AuditRecord, void, undefined> {
  const projection = auditTrail(Infinity);
  let trail = projection.initial();
  let batch: LogEntry[] = [];
  const withClose = (record: AuditRecord): AuditRecord => {
    if (record.sessionId === undefined) return record;
    const key = runKey(record.sessionId, record.run);
    const closed = closes.get(key);
    closes.delete(key); // its record is out: the note is done with
    return closed && !record.closedOnItsOwn ? { ...record, closedOnItsOwn: closed } : record;
  };
  function* release() {
    const folded = applyEntries(projection, trail, batch);
    batch = [];
    let finished = 0;
    trail = produce(folded, (draft) => void (finished = dropFinished(draft, draft.records.length, false)));
    yield* folded.records.slice(0, finished).map(withClose);
  }
  for (const entry of entries) {
    batch.push(entry);
    if (batch.length >= BATCH) yield* release();
  }
  yield* release();
  yield* trail.records.map(withClose);
}

/**
 * The records of a log read twice, as `log export` writes them: `first` is read whole for the
 * closes on their own, then `second` up to where `first` ended. A running server writes on
 * between the reads: a close the first read did not see, on a record the second has already
 * let out, would be lost, and the export would be the trail of no moment of the log.
 */
export function* auditRecordsOfTwoReads(first: Iterable<LogEntry>, second: Iterable<LogEntry>): Generator<AuditRecord, void, undefined> {
  let last = 0;
  const closes = closesOnTheirOwn(
    (function* () {
      for (const entry of first) yield ((last = entry.seq), entry);
    })(),
  );
  yield* auditRecords(upTo(second, last), closes);
}

function* upTo(entries: Iterable<LogEntry>, last: number): Iterable<LogEntry> {
  for (const entry of entries) {
    if (entry.seq > last) return;
    yield entry;
  }
}

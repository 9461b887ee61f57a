// The whole audit trail of a log, as a stream: each record comes out as soon as it and every
// record before it are finished, in the order the runs started, so a log of any length is
// written out holding only the runs still open. Runs the log leaves open come out at the end.
import { produce } from 'immer';
import { applyEntries } from './projection.ts';
import { auditTrail, dropFinished, type AuditRecord } from './projections/audit-trail.ts';
import type { LogEntry } from './log-entry.ts';

/** entries folded at a time (immer copies the trail once per batch) */
const BATCH = 1_000;

export function* auditRecords(entries: Iterable<LogEntry>): Generator<AuditRecord, void, undefined> {
  const projection = auditTrail(Infinity);
  let trail = projection.initial();
  let batch: LogEntry[] = [];
  function* release() {
    const folded = applyEntries(projection, trail, batch);
    batch = [];
    let finished = 0;
    trail = produce(folded, (draft) => void (finished = dropFinished(draft, draft.records.length, false)));
    yield* folded.records.slice(0, finished);
  }
  for (const entry of entries) {
    batch.push(entry);
    if (batch.length >= BATCH) yield* release();
  }
  yield* release();
  yield* trail.records;
}

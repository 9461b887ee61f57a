// A terminal closed on its own for --max-ended-per-person (`session.closed`, `because:
// "tooManyEnded"`, `kept`) is not its owner's doing: the audit record of its last run says so,
// beside how the run ended, when and under which limit; a close by its owner adds nothing. The
// record compaction writes for a removed run keeps it too, and so does `log export`, however long
// after the run's end the close comes (it closes the terminal that ended longest ago).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { auditRecords, closesOnTheirOwn } from '../../src/events/audit-records.ts';
import { CompactionPlanner } from '../../src/events/compaction-rules.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import { project } from '../../src/events/projection.ts';
import { auditTrail } from '../../src/events/projections/audit-trail.ts';
import { sessionListProjection, sessionRows } from '../../src/events/projections/session-list.ts';

let seq = 0;
const entry = (time: number, fields: Record<string, unknown>) => ({ seq: ++seq, time, ...fields }) as unknown as LogEntry;
const target = { namespace: 'batch', pod: 'worker-0', container: 'main' };
const ran = (sessionId: string) => [
  entry(1_000, { type: 'session.spawned', sessionId, requestId: 'r1', target, command: { argv: ['echo', 'one'] }, interactive: false, requestedBy: 'alice', person: { user: 'alice', groups: [] } }),
  entry(1_100, { type: 'session.exited', sessionId, code: 0 }),
  entry(1_200, { type: 'session.restarted', sessionId, run: 2 }),
  entry(1_300, { type: 'session.exited', sessionId, code: 3 }),
];
const records = (entries: LogEntry[]) => project(auditTrail(Infinity), entries).records;

test('closed on its own past the limit: its last run says so, with the limit and when; how it ended stays', () => {
  const trail = records([...ran('t1'), entry(2_000, { type: 'session.closed', sessionId: 't1', because: 'tooManyEnded', kept: 200 })]);
  assert.equal(
    trail.map((r) => [r.run, r.outcome, r.closedOnItsOwn]),
    [
      [1, { kind: 'exited', code: 0 }, undefined],
      [2, { kind: 'exited', code: 3 }, { because: 'tooManyEnded', kept: 200, at: 2_000 }],
    ],
  );
});

test('closed by its owner: nothing more is said', () => {
  const trail = records([...ran('t2'), entry(2_000, { type: 'session.closed', sessionId: 't2' })]);
  assert.equal(trail.map((r) => r.closedOnItsOwn), [undefined, undefined]);
});

/** The log compacted with every closed terminal's runs removed, their audit records kept. */
function compacted(all: LogEntry[], expireBefore = 10_000): LogEntry[] {
  const planner = new CompactionPlanner({ through: all.at(-1)!.seq, expireBefore });
  for (const e of all) planner.observe(e);
  const rules = planner.rules();
  const kept = all.map((e) => rules.apply(e)).filter((e): e is LogEntry => e !== undefined);
  assert.ok(kept.some((e) => e.type === 'audit.record'), 'the runs were removed, their records kept');
  return kept;
}

/** `log export`'s records: two reads of the log, as the command does them. */
const exported = (entries: LogEntry[]) => [...auditRecords(entries, closesOnTheirOwn(entries))];

test('the audit record compaction writes for the removed run keeps it', () => {
  const all = [...ran('t3'), entry(2_000, { type: 'session.closed', sessionId: 't3', because: 'tooManyEnded', kept: 1 })];
  const kept = compacted(all);
  assert.equal(records(kept), records(all));
  assert.equal(exported(kept), records(all), 'and the export');
});

test('the export says it, though the close comes thousands of entries after the run ended (its record long written); compacted too', () => {
  // her other terminal's busy hours between the end and the close: more than the export holds at once
  const busy = [entry(1_400, { type: 'session.spawned', sessionId: 't5', requestId: 'r5', target, command: { shell: 'sh' }, interactive: true, requestedBy: 'alice', person: { user: 'alice', groups: [] } })];
  for (let i = 0; i < 2_500; i++) busy.push(entry(1_500, { type: 'session.resized', sessionId: 't5', cols: 80 + (i % 2), rows: 24 }));
  const all = [...ran('t4'), ...busy, entry(2_000, { type: 'session.closed', sessionId: 't4', because: 'tooManyEnded', kept: 200 }), ...ran('t6'), entry(2_100, { type: 'session.closed', sessionId: 't6' })];
  const trail = records(all);
  assert.equal(trail.map((r) => [r.sessionId, r.run, r.closedOnItsOwn?.kept]), [['t4', 1, undefined], ['t4', 2, 200], ['t5', 1, undefined], ['t6', 1, undefined], ['t6', 2, undefined]]);
  assert.equal(exported(all), trail, 'the export is GET /audit\'s trail, closedOnItsOwn on the last run and nowhere else');
  assert.equal(exported(compacted(all)), trail, 'the same once compaction removed the closed terminals, their records kept');
});

test('a close on its own newer than the retention age, of a terminal that ended before it: the record compaction writes says it, and the export holds no note for it', () => {
  const all = [...ran('t7'), entry(2_000, { type: 'session.closed', sessionId: 't7', because: 'tooManyEnded', kept: 200 })];
  const close = all.at(-1)!;
  const kept = compacted(all, 1_500); // the runs ended before the retention age, the close came after
  assert.equal(closesOnTheirOwn(kept).size, 0, 'no note: the record says it');
  assert.equal(records(kept), records(all));
  assert.equal(exported(kept), records(all), 'and the export');
  assert.ok(kept.includes(close), 'the close stays: whoever replays the log sees the terminal closed');
  assert.equal(sessionRows(project(sessionListProjection, kept)), sessionRows(project(sessionListProjection, all)));
});

test.run();

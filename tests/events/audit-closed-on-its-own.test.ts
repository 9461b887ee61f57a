// A terminal closed on its own for --max-ended-per-person (`session.closed`, `because:
// "tooManyEnded"`, `kept`) is not its owner's doing: the audit record of its last run says so,
// beside how the run ended, when and under which limit; a close by its owner adds nothing. The
// record compaction writes for a removed run keeps it too.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { CompactionPlanner } from '../../src/events/compaction-rules.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import { project } from '../../src/events/projection.ts';
import { auditTrail } from '../../src/events/projections/audit-trail.ts';

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

test('the audit record compaction writes for the removed run keeps it', () => {
  const all = [...ran('t3'), entry(2_000, { type: 'session.closed', sessionId: 't3', because: 'tooManyEnded', kept: 1 })];
  const planner = new CompactionPlanner({ through: all.at(-1)!.seq, expireBefore: 10_000 });
  for (const e of all) planner.observe(e);
  const rules = planner.rules();
  const kept = all.map((e) => rules.apply(e)).filter((e): e is LogEntry => e !== undefined);
  assert.ok(kept.some((e) => e.type === 'audit.record'), 'the runs were removed, their records kept');
  assert.equal(records(kept), records(all));
});

test.run();

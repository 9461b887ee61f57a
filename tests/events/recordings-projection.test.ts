// The recorded runs the log names (src/events/projections/recordings.ts), kept beyond the audit
// trail's latest runs: each with whose run it was and its file; a stop after its session's close;
// runs a compaction turned into audit records; a run turned off and on in one file; the bound; and
// what a snapshot from before the list gives (its audit trail's recorded runs).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { project } from '../../src/events/projection.ts';
import { auditTrail } from '../../src/events/projections/audit-trail.ts';
import { recordings, recordingsFromTrail } from '../../src/events/projections/recordings.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import type { Fact } from '../../src/machines/facts.ts';

let seq = 0;
const at = (time: number, fact: Fact | Record<string, unknown>): LogEntry => ({ ...fact, seq: ++seq, time }) as LogEntry;
const target = { namespace: 'default', pod: 'web', container: 'nginx' };
const alice = { user: 'alice', groups: ['dev'] };
/** whose a run is, as kept: the user (access goes by it), not the groups */
const aliceKept = { user: 'alice', groups: [] };
const spawned = (sessionId: string, time = 1_000) =>
  at(time, { type: 'session.spawned', sessionId, requestId: `r-${sessionId}`, target, command: { shell: 'sh' }, interactive: true, requestedBy: 'alice', person: alice, idleTimeoutMs: 300_000 });

test('a recorded run: whose it is, its file, and its stop, even one logged after the close', () => {
  const model = project(recordings(100), [
    spawned('t1'),
    at(1_010, { type: 'recording.started', sessionId: 't1', run: 1, file: 't1-run1-1.cast', input: true }),
    at(1_500, { type: 'session.exited', sessionId: 't1', run: 1, code: 0 }),
    at(1_600, { type: 'session.closed', sessionId: 't1' }),
    at(1_700, { type: 'recording.stopped', sessionId: 't1', run: 1, file: 't1-run1-1.cast', reason: 'ended', bytes: 420 }),
  ]);
  assert.equal(model.runs, [{ sessionId: 't1', run: 1, who: 'alice', person: aliceKept, recording: { file: 't1-run1-1.cast', input: true, stopped: 'ended', bytes: 420 } }]);
  assert.equal(model.owners, {}, 'a closed session is let go');
});

test('a run turned off and on goes on in its file: one entry; a restarted run records in a file of its own', () => {
  const model = project(recordings(100), [
    spawned('t1'),
    at(1_010, { type: 'recording.started', sessionId: 't1', run: 1, file: 'a.cast' }),
    at(1_020, { type: 'recording.stopped', sessionId: 't1', run: 1, file: 'a.cast', reason: 'user', bytes: 10 }),
    at(1_030, { type: 'recording.started', sessionId: 't1', run: 1, file: 'a.cast' }),
    at(1_040, { type: 'recording.started', sessionId: 't1', run: 2, file: 'b.cast' }),
  ]);
  assert.equal(
    model.runs.map((r) => [r.run, r.recording]),
    [
      [1, { file: 'a.cast' }],
      [2, { file: 'b.cast' }],
    ],
  );
});

test('a compacted run (an audit.record) keeps its recording and whose it was; one never recorded adds nothing', () => {
  const record = { requestId: 'r1', sessionId: 't1', run: 1, who: 'alice', person: alice, target, argv: ['sh'], interactive: true, startedAt: 1, endedAt: 2, outcome: { kind: 'exited', code: 0 } };
  const model = project(recordings(100), [
    at(1_000, { type: 'audit.record', record: { ...record, recording: { file: 'a.cast', stopped: 'ended', bytes: 9 } } }),
    at(1_001, { type: 'audit.record', record: { ...record, run: 2 } }),
  ]);
  assert.equal(model.runs, [{ sessionId: 't1', run: 1, who: 'alice', person: aliceKept, recording: { file: 'a.cast', stopped: 'ended', bytes: 9 } }]);
  assert.equal(model.owners.t1, { who: 'alice', person: aliceKept });
});

test('past the bound the oldest go, in batches', () => {
  const entries = [];
  for (let i = 1; i <= 25; i++) entries.push(spawned(`t${i}`), at(1_000 + i, { type: 'recording.started', sessionId: `t${i}`, run: 1, file: `t${i}.cast` }));
  const runs = project(recordings(10), entries).runs.map((r) => r.sessionId);
  assert.ok(runs.length >= 10 && runs.length <= 11, `${runs.length} kept`);
  assert.is(runs.at(-1), 't25', 'the newest stay');
});

test('from a snapshot taken before the list: its audit trail\'s recorded runs, and whose its open sessions are', () => {
  const trail = project(auditTrail(Infinity), [
    spawned('t1'),
    at(1_010, { type: 'recording.started', sessionId: 't1', run: 1, file: 'a.cast' }),
    spawned('t2', 1_100),
  ]);
  const model = recordingsFromTrail(trail);
  assert.equal(model.runs, [{ sessionId: 't1', run: 1, who: 'alice', person: aliceKept, recording: { file: 'a.cast' } }]);
  assert.equal(Object.keys(model.owners), ['t1', 't2']);
  // and the list goes on from there as it would have
  const after = project({ ...recordings(100), initial: () => model }, [at(1_200, { type: 'recording.started', sessionId: 't2', run: 1, file: 'b.cast' })]);
  assert.equal(after.runs.map((r) => r.recording.file), ['a.cast', 'b.cast']);
});

test.run();

// Who stopped a batch's runs: a cancel's stops (`session.stopped`, `batchCancelled`) name nobody,
// the machines deriving them from the batch's stop (`batch.stopped`, `by`), so the session list and
// the audit trail take who from that stop, as an admin's end of one terminal says it (`stoppedBy`,
// the outcome's `by`). Kept through compaction: the audit record that stands for a removed run says it too.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { CompactionPlanner } from '../../src/events/compaction-rules.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import { project } from '../../src/events/projection.ts';
import { auditTrail } from '../../src/events/projections/audit-trail.ts';
import { sessionListProjection } from '../../src/events/projections/session-list.ts';

const alice = { user: 'alice', groups: ['dev'] };
const worker = (i: number) => ({ namespace: 'batch', pod: `worker-${i}`, container: 'main' });
let seq = 0;
const entry = (fields: Record<string, unknown>, time = 1_000 + seq) => ({ seq: ++seq, time, ...fields }) as unknown as LogEntry;
const spawned = (sessionId: string, i: number) => entry({ type: 'session.spawned', sessionId, requestId: 'b1', batchId: 'b1', target: worker(i), command: { argv: ['sleep', '60'] }, interactive: false, requestedBy: 'alice', person: alice });
const cancelled = (by?: string) => [
  entry({ type: 'batch.started', batchId: 'b1', action: { argv: ['sleep', '60'], requestedBy: 'alice', person: alice, concurrency: 2 }, targets: [0, 1, 2].map(worker), skipped: [] }),
  spawned('t1', 0),
  spawned('t2', 1),
  entry({ type: 'batch.stopped', batchId: 'b1', because: 'cancelled', ...(by ? { by } : {}), notStarted: [worker(2)], keepsTerminals: true }),
  entry({ type: 'session.stopped', sessionId: 't1', because: 'batchCancelled' }),
  entry({ type: 'session.stopped', sessionId: 't2', because: 'batchCancelled' }),
  entry({ type: 'batch.finished', batchId: 'b1' }),
];
const stoppedBy = (entries: LogEntry[]) => Object.values(project(sessionListProjection, entries).byId).map((row) => [row.stopReason, row.stoppedBy]);
const outcomes = (entries: LogEntry[]) => project(auditTrail(Infinity), entries).records.map((record) => record.outcome);

test("an admin's stop of a batch: each run it stopped says who, in the list and in the audit trail", () => {
  const entries = cancelled('carol');
  assert.equal(stoppedBy(entries), [['batchCancelled', 'carol'], ['batchCancelled', 'carol']]);
  assert.equal(outcomes(entries), [{ kind: 'stopped', because: 'batchCancelled', by: 'carol' }, { kind: 'stopped', because: 'batchCancelled', by: 'carol' }]);
});

test("its owner's cancel says them; a cancel by nobody named (local mode) says nobody; nothing is left over once the batch finishes", () => {
  assert.equal(stoppedBy(cancelled('alice'))[0], ['batchCancelled', 'alice']);
  assert.equal(stoppedBy(cancelled()), [['batchCancelled', undefined], ['batchCancelled', undefined]]);
  assert.equal(outcomes(cancelled())[0], { kind: 'stopped', because: 'batchCancelled' });
  assert.equal(Object.keys(project(sessionListProjection, cancelled('carol'))).sort(), ['byId', 'order'], 'the list holds nothing more than before');
  assert.equal(Object.keys(project(auditTrail(Infinity), cancelled('carol'))).sort(), ['dropped', 'records', 'sessions'], 'nor does the trail');
});

test('a restart of a run the admin stopped forgets who: the new run is its owner\'s', () => {
  const entries = [...cancelled('carol'), entry({ type: 'session.restarted', sessionId: 't1', run: 2 })];
  assert.equal(stoppedBy(entries)[0], [undefined, undefined]);
});

test('compaction keeps who in the audit record it writes for a removed run', () => {
  const old = cancelled('carol').map((e) => ({ ...e, time: e.seq })) as LogEntry[];
  const closes = ['t1', 't2'].map((sessionId) => entry({ type: 'session.closed', sessionId }, 100));
  const all = [...old, ...closes];
  const planner = new CompactionPlanner({ through: all.at(-1)!.seq, expireBefore: 10_000 });
  for (const e of all) planner.observe(e);
  const rules = planner.rules();
  const kept = all.map((e) => rules.apply(e)).filter((e): e is LogEntry => e !== undefined);
  const records = kept.flatMap((e) => (e.type === 'audit.record' ? [e.record] : []));
  assert.equal(records.map((r) => r.outcome), [{ kind: 'stopped', because: 'batchCancelled', by: 'carol' }, { kind: 'stopped', because: 'batchCancelled', by: 'carol' }]);
  assert.equal(outcomes(kept), outcomes(all), 'the trail read from the compacted log is the same');
});

test.run();

// A batch stopped by someone else than its owner (an admin ending one of its runs, or everything
// its owner runs) is news to the owner: one alert for the batch, on the first run the stop ends.
// A stop that ended no run (nothing of the batch was running) is told on the batch itself, once.
// The owner's own cancel raises none; nor does a stop the lists of an older snapshot cannot place.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { applyEntries } from '../../src/events/projection.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import { alertsProjection, BATCH_ALERTS_KEPT, type Alerts } from '../../src/events/projections/alerts.ts';

const alice = { user: 'alice', groups: ['dev'] };
const worker = (i: number) => ({ namespace: 'batch', pod: `worker-${i}`, container: 'main' });
let seq = 0;
const entry = (fields: Record<string, unknown>) => ({ seq: ++seq, time: 1_000 + seq, ...fields }) as unknown as LogEntry;
const spawned = (sessionId: string, i: number) => entry({ type: 'session.spawned', sessionId, requestId: 'b1', batchId: 'b1', target: worker(i), command: { argv: ['sleep', '60'] }, interactive: false, requestedBy: 'alice', person: alice });
const started = [
  entry({ type: 'batch.started', batchId: 'b1', action: { argv: ['sleep', '60'], requestedBy: 'alice', person: alice, concurrency: 2 }, targets: [0, 1, 2].map(worker), skipped: [] }),
  spawned('t1', 0),
  spawned('t2', 1),
];
const stoppedBy = (by: string) => [
  entry({ type: 'batch.stopped', batchId: 'b1', because: 'cancelled', by, notStarted: [worker(2)], keepsTerminals: true }),
  entry({ type: 'session.stopped', sessionId: 't1', because: 'batchCancelled' }),
  entry({ type: 'session.stopped', sessionId: 't2', because: 'batchCancelled' }),
  entry({ type: 'batch.finished', batchId: 'b1' }),
];
const fold = (entries: LogEntry[], from: Alerts = alertsProjection.initial()) => applyEntries(alertsProjection, from, entries);

test('an admin stops the batch: its owner gets one alert, saying who, on the first run it ended; nothing is left of the batch once finished', () => {
  const alerts = fold([...started, ...stoppedBy('carol')]);
  assert.equal(alerts.list.map((a) => [a.sessionId, a.kind]), [['t1', 'ended']]);
  assert.is(alerts.list[0].message, 'Batch b1 was stopped by carol, an admin of octant-exec: nothing more of it starts, and its running commands were ended (the one in batch/worker-0 (main) among them). Their output is kept.');
  assert.equal(alerts.batches, {});
  assert.equal(fold([entry({ type: 'session.closed', sessionId: 't1' })], alerts).list, [], 'closing the terminal retires it');
});

test('an admin stops a batch with nothing running (its queue waiting on its owner\'s limit): its owner gets one alert, on the batch, saying who and what never started', () => {
  const queued = [entry({ type: 'batch.started', batchId: 'b2', action: { argv: ['sleep', '60'], requestedBy: 'alice', person: alice, concurrency: 2 }, targets: [0, 1].map(worker), skipped: [] })];
  const stopped = [entry({ type: 'batch.stopped', batchId: 'b2', because: 'cancelled', by: 'carol', notStarted: [0, 1].map(worker), keepsTerminals: true }), entry({ type: 'batch.finished', batchId: 'b2' })];
  const alerts = fold([...queued, ...stopped]);
  assert.equal(alerts.list.map((a) => [a.sessionId, a.batchId, a.kind, a.target]), [['', 'b2', 'ended', undefined]]);
  assert.is(alerts.list[0].message, 'Batch b2 was stopped by carol, an admin of octant-exec, while none of its commands was running: nothing more of it starts (2 never started).');
  assert.equal(alerts.batches, {});
  const twice = fold([...queued, ...stopped.slice(0, 1), entry({ type: 'batch.stopped', batchId: 'b2', because: 'cancelled', by: 'carol', notStarted: [], keepsTerminals: true }), ...stopped.slice(1)]);
  assert.equal(twice.list.map((a) => a.message), [alerts.list[0].message], 'a stop logged twice (a lost replica\'s second claimer) is told once, with what the first stop left unstarted');
  assert.equal(fold([...queued, entry({ type: 'batch.stopped', batchId: 'b2', because: 'cancelled', by: 'alice', notStarted: [0, 1].map(worker), keepsTerminals: true }), ...stopped.slice(1)]).list, [], "the owner's own cancel raises none");
});

test('a stop that ends running runs is told once, on the first of them, not again at the batch\'s finish', () => {
  const alerts = fold([...started, ...stoppedBy('carol')]);
  assert.is(alerts.list.filter((a) => a.kind === 'ended').length, 1);
  const [stop, first, ...rest] = stoppedBy('carol');
  const again = entry({ type: 'batch.stopped', batchId: 'b1', because: 'cancelled', by: 'carol', notStarted: [], keepsTerminals: true });
  assert.equal(fold([...started, stop, first, again, ...rest]).list.map((a) => a.sessionId), ['t1'], 'nor again for a stop logged twice, told on a run between the two');
});

test('a snapshot of an older build that kept who stopped the batch but not how many never started: the alert leaves the count out', () => {
  const queued = entry({ type: 'batch.started', batchId: 'b3', action: { argv: ['sleep', '60'], requestedBy: 'alice', person: alice, concurrency: 2 }, targets: [worker(0)], skipped: [] });
  const older = { ...fold([queued]), batches: { b3: { owner: 'alice', stoppedBy: 'carol' } } };
  assert.equal(fold([entry({ type: 'batch.finished', batchId: 'b3' })], older).list.map((a) => a.message), ['Batch b3 was stopped by carol, an admin of octant-exec, while none of its commands was running: nothing more of it starts.']);
});

test('the alerts on batches alone are bounded: the oldest go first', () => {
  let alerts = alertsProjection.initial();
  for (let i = 0; i < BATCH_ALERTS_KEPT + 5; i++) {
    const batchId = `q${i}`;
    alerts = fold([
      entry({ type: 'batch.started', batchId, action: { argv: ['true'], requestedBy: 'alice', person: alice, concurrency: 1 }, targets: [worker(0)], skipped: [] }),
      entry({ type: 'batch.stopped', batchId, because: 'cancelled', by: 'carol', notStarted: [worker(0)], keepsTerminals: true }),
      entry({ type: 'batch.finished', batchId }),
    ], alerts);
  }
  assert.is(alerts.list.length, BATCH_ALERTS_KEPT);
  assert.is(alerts.list[0].batchId, 'q5');
});

test("the owner's own cancel raises none", () => {
  assert.equal(fold([...started, ...stoppedBy('alice')]).list, []);
});

test('a snapshot of an older build (no batches kept in it) takes the stop without an alert', () => {
  const { batchOf: _runs, batches: _batches, ...older } = fold(started);
  assert.equal(fold(stoppedBy('carol'), older).list, []);
});

test.run();

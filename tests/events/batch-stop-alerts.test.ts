// A batch stopped by someone else than its owner (an admin ending one of its runs, or everything
// its owner runs) is news to the owner: one alert for the batch, on the first run the stop ends.
// The owner's own cancel raises none; nor does a stop the lists of an older snapshot cannot place.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { applyEntries } from '../../src/events/projection.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import { alertsProjection, type Alerts } from '../../src/events/projections/alerts.ts';

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

test("the owner's own cancel raises none", () => {
  assert.equal(fold([...started, ...stoppedBy('alice')]).list, []);
});

test('a snapshot of an older build (no batches kept in it) takes the stop without an alert', () => {
  const { batchOf: _runs, batches: _batches, ...older } = fold(started);
  assert.equal(fold(stoppedBy('carol'), older).list, []);
});

test.run();

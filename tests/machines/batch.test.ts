import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { ExecTarget } from '../../src/domain/target.ts';
import { resultsFailedFirst } from '../../src/events/projections/batches.ts';
import { makeSystem, settle } from '../support/system.ts';

const test = suite('supervisor: batches');
const targets = (n: number): ExecTarget[] => Array.from({ length: n }, (_, i) => ({ namespace: 'batch', pod: `worker-${i}`, container: 'main' }));
const action = (concurrency: number, timeoutMs?: number) => ({ argv: ['sh', '-c', 'echo $HOSTNAME'], requestedBy: 'tester', concurrency, ...(timeoutMs ? { timeoutMs } : {}) });

test('runs every target, never more than `concurrency` at once, and sums up', async () => {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  const batchId = system.batch(action(2), targets(5), [{ target: { namespace: 'batch', pod: 'worker-9', container: 'main' }, reason: 'Container "main" is waiting (CrashLoopBackOff), not running.' }]);
  assert.is(batchId, 'b1');
  let peak = 0;
  for (let round = 0; round < 10 && adapter.live().length; round++) {
    await settle();
    peak = Math.max(peak, adapter.live().length);
    const [first] = adapter.live();
    first.exit(first.request.target.pod === 'worker-3' ? 1 : 0);
  }
  assert.is(peak, 2);
  assert.is(adapter.streams.length, 5);
  const batch = system.batches.byId.b1;
  assert.is(batch.state, 'done');
  assert.equal(batch.totals, { succeeded: 4, failed: 1, skipped: 1, notStarted: 0, cancelled: 0 });
  assert.equal(batch.results.map((r) => r.state), ['exited', 'exited', 'exited', 'exited', 'exited', 'skipped']);
  assert.equal(resultsFailedFirst(batch).map((r) => `${r.target.pod}:${r.state}`).slice(0, 2), ['worker-3:exited', 'worker-9:skipped']);
  assert.ok(batch.results.every((r) => r.state === 'skipped' || typeof r.durationMs === 'number'));
  assert.is(system.entries().at(-1)!.type, 'batch.finished');
  assert.ok(system.sessionList.order.length === 5, 'each exec keeps its own terminal');
});

test('a per-exec timeout ends a slow exec and counts it failed', async () => {
  const { system, adapter, clock } = makeSystem({ script: (s) => void s.open() });
  system.batch(action(4, 5_000), targets(2), []);
  await settle();
  adapter.streams[0].exit(0);
  clock.advanceBy(5_000);
  const batch = system.batches.byId.b1;
  assert.equal(batch.results.map((r) => r.state), ['exited', 'timedOut']);
  assert.is(adapter.streams[1].isEnded, true);
  assert.equal(batch.totals, { succeeded: 1, failed: 1, skipped: 0, notStarted: 0, cancelled: 0 });
  assert.is(batch.state, 'done');
  assert.match(system.alerts.list.at(-1)!.message, /longer than its 5 s timeout/);
});

test('a quiet batch run is not ended for quiet: only its own timeout ends it', async () => {
  const { system, adapter, clock } = makeSystem({ config: { idleTimeoutMs: 5_000 }, script: (s) => void s.open() });
  system.batch(action(2, 60_000), targets(2), []);
  await settle();
  clock.advanceBy(8_000); // well past the server's idle timeout, with no output
  adapter.streams[0].exit(0);
  assert.equal(system.batches.byId.b1.results.map((r) => r.state), ['exited', 'running'], 'the quiet run went on to its end');
  assert.is(system.sessionList.byId.t1.idleTimeoutMs, undefined, 'its row says it has no idle timeout');
  clock.advanceBy(52_000);
  const timedOut = system.batches.byId.b1.results[1];
  assert.equal([timedOut.state, timedOut.reason], ['timedOut', 'ran longer than its 60 s timeout']);
});

test('a batch without a timeout runs as long as its command does, as kubectl exec does', async () => {
  const { system, adapter, clock } = makeSystem({ config: { idleTimeoutMs: 5_000 }, script: (s) => void s.open() });
  system.batch(action(1), targets(1), []);
  await settle();
  clock.advanceBy(3_600_000);
  assert.is(system.batches.byId.b1.results[0].state, 'running');
  adapter.streams[0].exit(0);
  assert.equal(system.batches.byId.b1.totals.succeeded, 1);
});

test('the live-session limit holds batches back until a slot frees', async () => {
  const { system, adapter } = makeSystem({ config: { maxLiveSessions: 1 }, script: (s) => void s.open() });
  system.batch(action(3), targets(2), []);
  await settle();
  assert.is(adapter.live().length, 1);
  adapter.streams[0].exit(0);
  await settle();
  assert.is(adapter.streams.length, 2);
});

test('shutdown starts nothing queued and finishes the batch with what ran', async () => {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  system.batch(action(1), targets(3), []);
  await settle();
  system.shutdown();
  assert.is(adapter.streams.length, 1);
  const batch = system.batches.byId.b1;
  assert.is(batch.state, 'done');
  assert.equal(batch.results.map((r) => r.state), ['disconnected', 'notStarted', 'notStarted']);
  assert.equal(batch.totals, { succeeded: 0, failed: 1, skipped: 0, notStarted: 2, cancelled: 0 }, 'every result counted once');
  const stopped = system.entries().find((entry) => entry.type === 'batch.stopped');
  assert.equal(stopped && 'notStarted' in stopped && stopped.notStarted.map((t) => t.pod), ['worker-1', 'worker-2'], 'the log says which never started');
});

test('a cancel starts nothing more and stops the running terminals: their execs end, the terminals stay, and the batch is done', async () => {
  const { system, adapter, clock } = makeSystem({ script: (s) => void s.open() });
  system.batch(action(2), targets(4), []);
  await settle();
  adapter.streams[0].exit(0);
  await settle();
  assert.is(system.cancelBatch('b1', 'tester'), true);
  await settle();
  assert.is(adapter.streams.length, 3, 'nothing more started');
  assert.ok(adapter.streams.every((stream) => stream.isEnded), 'the running execs were ended');
  const batch = system.batches.byId.b1;
  assert.equal([batch.state, batch.stopped?.because, batch.stopped?.by], ['done', 'cancelled', 'tester']);
  assert.equal(batch.results.map((r) => r.state), ['exited', 'cancelled', 'cancelled', 'notStarted']);
  assert.equal(batch.totals, { succeeded: 1, failed: 0, skipped: 0, notStarted: 1, cancelled: 2 });
  assert.equal(system.sessionList.order, ['t1', 't2', 't3'], 'the cancelled terminals stay');
  assert.equal(['t2', 't3'].map((id) => [system.sessionList.byId[id].state, system.sessionList.byId[id].stopReason]), [['stopped', 'batchCancelled'], ['stopped', 'batchCancelled']]);
  assert.equal(system.alerts.list, [], 'the person did it: no alert');
  const entries = system.entries();
  const stop = entries.find((e) => e.type === 'batch.stopped');
  assert.is(stop && 'keepsTerminals' in stop && stop.keepsTerminals, true, 'the log says the cancel kept them');
  assert.equal(entries.filter((e) => e.type === 'session.stopped').map((e) => ('because' in e ? e.because : '')), ['batchCancelled', 'batchCancelled']);
  assert.ok(entries.findIndex((e) => e.type === 'batch.finished') > entries.findLastIndex((e) => e.type === 'session.stopped'), 'done once the last run ended');
  assert.equal(system.auditTrail.records.filter((r) => r.sessionId === 't2').map((r) => r.outcome), [{ kind: 'stopped', because: 'batchCancelled', by: 'tester' }], 'its record says who cancelled');
  assert.is(system.cancelBatch('b1'), false, 'a batch that is done is not cancelled again');
  // an ended terminal like any other: no idle timeout, restartable, closable
  clock.advanceBy(3_600_000);
  assert.is(system.sessionList.byId.t2.state, 'stopped');
  const again = system.restart('t2');
  assert.ok(again && 'run' in again && again.run === 2, JSON.stringify(again));
  await settle();
  assert.is(adapter.streams.length, 4, 'the restart ran the command again');
  assert.is(system.sessionList.byId.t2.stopReason, undefined, 'a new run says nothing of the old stop');
  assert.ok(system.close('t3'));
  assert.equal(system.sessionList.order, ['t1', 't2']);
});

test('an empty batch (all skipped) is done at once', () => {
  const { system } = makeSystem();
  system.batch(action(2), [], [{ target: targets(1)[0], reason: 'not running' }]);
  assert.is(system.batches.byId.b1.state, 'done');
  assert.equal(system.batches.byId.b1.totals, { succeeded: 0, failed: 0, skipped: 1, notStarted: 0, cancelled: 0 });
});

test.run();

// A batch a lost replica was running, on the in-memory shared log: the replica that claims the
// lost one ends the batch with its terminals (its runs disconnected, replicaLost; what it had
// queued not started), once however many replicas look, and every replica, one started later
// from the log or from a snapshot taken while the batch ran included, lists it so. A batch an
// older build logged (no replica in batch.started) is known by its id.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import type { ExecTarget } from '../../src/domain/target.ts';
import type { BatchRow } from '../../src/events/projections/batches.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { ReplicaWatch } from '../../src/runtime/replica-watch.ts';
import { SHARED_SNAPSHOT_FORMAT } from '../../src/runtime/system-snapshot.ts';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('a lost replica\'s batches');

async function replica(log: MemoryLog, name: string, acceptSnapshots = true) {
  const store = log.open(`http://${name}:7788`);
  const warnings: string[] = [];
  const start = await store.start((format) => acceptSnapshots && format === SHARED_SNAPSHOT_FORMAT);
  const system = ExecSystem.openShared({ adapter: new FakeExecAdapter((s) => void s.open()), store, start, warn: (m) => warnings.push(m) });
  return { system, store, warnings, watch: new ReplicaWatch(system, store, (m) => warnings.push(m)) };
}

const worker = (i: number): ExecTarget => ({ namespace: 'batch', pod: `worker-${i}`, container: 'main' });
const skipped = [{ target: { namespace: 'batch', pod: 'worker-9', container: 'main' }, reason: 'its container is not running' }];
const count = (log: MemoryLog, type: string) => log.entries.filter((e) => e.type === type).length;

/** What a batch that ended with its replica shows: two runs disconnected, two never started, the skipped one as it was. */
function assertEndedByTheLoss(batch: BatchRow | undefined, lostId: string) {
  assert.ok(batch, 'the batch is listed');
  assert.is(batch.state, 'done');
  assert.is(batch.stopped?.because, 'replicaLost');
  assert.equal(batch.totals, { succeeded: 0, failed: 2, skipped: 1, notStarted: 2, cancelled: 0 });
  const states = batch.results.map((r) => `${r.target.pod} ${r.state}`);
  assert.equal(states, ['worker-0 disconnected', 'worker-1 disconnected', 'worker-2 notStarted', 'worker-3 notStarted', 'worker-9 skipped']);
  assert.match(batch.results[0].reason ?? '', new RegExp(`replica ${lostId} .* stopped answering`));
}

test('the claimer ends it once (two replicas look), and every replica, one started later from the log or a snapshot, lists it ended', async () => {
  const log = new MemoryLog();
  const [a, b, c] = [await replica(log, 'a'), await replica(log, 'b'), await replica(log, 'c')];
  const batchId = a.system.batch({ argv: ['sleep', '600'], requestedBy: 'carol', concurrency: 2 }, [0, 1, 2, 3].map(worker), skipped);
  await a.system.settled();
  await waitFor(() => b.system.batches.byId[batchId]?.results.filter((r) => r.state === 'running').length === 2, 'two runs going, as B lists them');
  assert.is(b.system.batches.byId[batchId].replica, a.store.replica.id, 'the batch names its replica');
  assert.ok(b.system.writeSnapshot(), 'a snapshot while the batch runs');
  await waitFor(() => log.snapshots.length === 1, 'the snapshot stored');

  log.expire(a.store.replica.id);
  await Promise.all([b.watch.tick(), c.watch.tick()]);
  await Promise.all([b.watch.tick(), c.watch.tick()]); // settled: nothing is written again
  for (const r of [b, c]) await r.system.settled();
  for (const r of [b, c]) await waitFor(() => r.system.batches.byId[batchId]?.state === 'done', 'the batch done');
  assert.is(count(log, 'batch.stopped'), 1, 'written once');
  assert.is(count(log, 'batch.finished'), 1, 'written once');
  assert.is(count(log, 'session.disconnected'), 2);
  const said = [...b.warnings, ...c.warnings].filter((m) => m.includes(`replica ${a.store.replica.id}`));
  assert.equal(said.map((m) => m.replace(/^.*: /, '')), ['2 of its terminals are marked disconnected, and 1 of its batches ended']);
  assertEndedByTheLoss(b.system.batches.byId[batchId], a.store.replica.id);
  assert.equal(c.system.batches.byId[batchId], b.system.batches.byId[batchId]);
  const runs = b.system.batches.byId[batchId].results.slice(0, 2).map((r) => b.system.sessionList.byId[r.sessionId!]);
  assert.equal(runs.map((row) => `${row.state}/${row.disconnectReason}`), ['disconnected/replicaLost', 'disconnected/replicaLost']);

  const fromSnapshot = await replica(log, 'd');
  const fromLog = await replica(log, 'e', false);
  assert.is(fromSnapshot.system.replayReport.snapshot?.seq, log.snapshots[0].seq, 'D starts from the snapshot');
  assert.is(fromLog.system.replayReport.snapshot, undefined, 'E folds the whole log');
  for (const r of [fromSnapshot, fromLog]) {
    assert.equal(r.system.batches, b.system.batches);
    assert.equal(r.system.sessionList.byId[runs[0].sessionId], b.system.sessionList.byId[runs[0].sessionId]);
  }
  for (const r of [a, b, c, fromSnapshot, fromLog]) await r.system.shutdown();
});

test('a batch a cancel had stopped keeps its stop; one an older build logged (no replica named) is found by its id', async () => {
  const log = new MemoryLog();
  const [a, b] = [await replica(log, 'a'), await replica(log, 'b')];
  const cancelled = a.system.batch({ argv: ['sleep', '600'], requestedBy: 'carol', concurrency: 1 }, [worker(0), worker(1)], []);
  await a.system.settled();
  // An older build's batch on another lost replica: its entries as that build wrote them.
  const old = log.open('http://old:7788', 'old123');
  const t = Date.now();
  log.append([
    { type: 'batch.started', batchId: 'old123-b1', action: { argv: ['true'], requestedBy: 'dave', concurrency: 1 }, targets: [worker(2), worker(3)], skipped: [], noIdleTimeout: true, time: t },
    { type: 'session.spawned', sessionId: 'old123-t1', requestId: 'old123-b1', batchId: 'old123-b1', target: worker(2), command: { argv: ['true'] }, interactive: false, requestedBy: 'dave', replica: 'old123', time: t },
  ]);
  await waitFor(() => b.system.batches.byId['old123-b1']?.results[0].state === 'running' && b.system.batches.byId[cancelled]?.results[0].state === 'running', 'both batches running, as B lists them');
  // A's cancel, logged, its run not stopped yet when A is lost
  log.append([{ type: 'batch.stopped', batchId: cancelled, because: 'cancelled', by: 'carol', notStarted: [worker(1)], keepsTerminals: true, time: t }]);
  await waitFor(() => b.system.batches.byId[cancelled]?.stopped, 'B lists the cancel');

  log.expire(a.store.replica.id);
  log.expire(old.replica.id);
  await b.watch.tick();
  await b.system.settled();
  await waitFor(() => b.system.batches.byId[cancelled]?.state === 'done' && b.system.batches.byId['old123-b1']?.state === 'done', 'both batches done');
  const stopped = b.system.batches.byId[cancelled];
  assert.equal(stopped.stopped, { because: 'cancelled', by: 'carol', at: t });
  assert.equal(stopped.totals, { succeeded: 0, failed: 1, skipped: 0, notStarted: 1, cancelled: 0 });
  const older = b.system.batches.byId['old123-b1'];
  assert.is(older.stopped?.because, 'replicaLost');
  assert.equal(older.results.map((r) => r.state), ['disconnected', 'notStarted']);
  assert.is(count(log, 'batch.stopped'), 2, 'the cancel, and the older batch\'s stop');
  for (const r of [a, b]) await r.system.shutdown();
});

test.run();

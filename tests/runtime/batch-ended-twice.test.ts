// A lost replica's batch ended twice in the shared log (in memory): a second claimer (the claim
// handed over, claimedFrom) whose lists had not yet heard the first claimer's write writes the end
// again. A batch ends once: its stop's time and its totals stay those of the first end, on every
// replica, one started later from the log or from a snapshot taken in between included.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import type { ExecTarget } from '../../src/domain/target.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { ReplicaWatch } from '../../src/runtime/replica-watch.ts';
import { SHARED_SNAPSHOT_FORMAT } from '../../src/runtime/system-snapshot.ts';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('a batch ended twice');

async function replica(log: MemoryLog, name: string, acceptSnapshots = true) {
  const store = log.open(`http://${name}:7788`);
  const start = await store.start((format) => acceptSnapshots && format === SHARED_SNAPSHOT_FORMAT);
  const system = ExecSystem.openShared({ adapter: new FakeExecAdapter((s) => void s.open()), store, start, warn: () => {} });
  return { system, store, watch: new ReplicaWatch(system, store, () => {}) };
}

const worker = (i: number): ExecTarget => ({ namespace: 'batch', pod: `worker-${i}`, container: 'main' });
const count = (log: MemoryLog, type: string) => log.entries.filter((e) => e.type === type).length;

test("the second claimer's end changes nothing: the stop's time and the totals (two never started) stay the first's", async () => {
  const log = new MemoryLog();
  const [a, b, c] = [await replica(log, 'a'), await replica(log, 'b'), await replica(log, 'c')];
  const batchId = a.system.batch({ argv: ['sleep', '600'], requestedBy: 'carol', concurrency: 1 }, [0, 1, 2].map(worker), []);
  await a.system.settled();
  await waitFor(() => c.system.batches.byId[batchId]?.results[0].state === 'running', 'its first run going, as C lists it');
  const behind = { sessionList: c.system.sessionList, batches: c.system.batches }; // C's lists, before they hear B's write

  log.expire(a.store.replica.id);
  await b.watch.tick();
  await b.system.settled();
  for (const r of [b, c]) await waitFor(() => r.system.batches.byId[batchId]?.state === 'done', 'the batch done');
  const first = b.system.batches.byId[batchId];
  assert.equal(first.totals, { succeeded: 0, failed: 1, skipped: 0, notStarted: 2, cancelled: 0 });
  assert.ok(b.system.writeSnapshot(), 'a snapshot between the two ends');
  await waitFor(() => log.snapshots.length === 1, 'the snapshot stored');

  let heard = 0;
  const stopHearing = b.system.onEntry((entry) => void (entry.type === 'batch.finished' && heard++));
  c.system.shared!.endRunsOf(a.store.replica, behind, first.finishedAt! + 1_000);
  await c.system.settled();
  assert.is(count(log, 'batch.stopped'), 2, 'the end is in the log twice');
  assert.is(count(log, 'batch.finished'), 2);
  await waitFor(() => heard === 1, 'B hears the second end');
  stopHearing();
  for (const r of [b, c]) assert.equal(r.system.batches.byId[batchId], first, 'as the first end left it');

  const fromSnapshot = await replica(log, 'd');
  const fromLog = await replica(log, 'e', false);
  assert.is(fromSnapshot.system.replayReport.snapshot?.seq, log.snapshots[0].seq, 'D starts from the snapshot');
  assert.is(fromLog.system.replayReport.snapshot, undefined, 'E folds the whole log');
  for (const r of [fromSnapshot, fromLog]) assert.equal(r.system.batches.byId[batchId], first);
  for (const r of [a, b, c, fromSnapshot, fromLog]) await r.system.shutdown();
});

test.run();

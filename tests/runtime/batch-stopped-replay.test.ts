// A batch that stops before its end (the server stopped or restarted mid-batch, or someone
// cancelled it) lists what never started, its totals add up to every result, and its log replays
// exactly: a replay gets each terminal's end from the log, and would start the queued targets at
// them (a `session.spawned` the log does not have) unless the log says the queue was emptied.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import type { ExecTarget } from '../../src/domain/target.ts';
import { MemoryStore } from '../../src/events/store.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { settle } from '../support/system.ts';

const test = suite('a batch stopped before its end');

const targets: ExecTarget[] = ['worker-0', 'worker-1', 'worker-2'].map((pod) => ({ namespace: 'batch', pod, container: 'main' }));
const open = (store: MemoryStore) => ExecSystem.open({ adapter: new FakeExecAdapter((s) => void s.open()), store, clock: (start) => new VirtualClock(start), snapshots: false });

/** The whole log replayed from its first entry, as a start without a snapshot does. */
function replayedWhole(store: MemoryStore) {
  return ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store, clock: (start) => new VirtualClock(start), fromSnapshot: false });
}

test('a server restarted mid-batch: done, with what never started said so, and the log replays', async () => {
  const store = new MemoryStore();
  const first = open(store);
  first.batch({ argv: ['sleep', '60'], requestedBy: 'carol', concurrency: 1 }, targets, []);
  await settle();
  // the process dies here (no shutdown): the next start finds the batch running
  const again = open(store);
  const batch = again.batches.byId.b1;
  assert.is(batch.state, 'done');
  assert.equal(batch.results.map((r) => r.state), ['disconnected', 'notStarted', 'notStarted']);
  assert.equal(batch.totals, { succeeded: 0, failed: 1, skipped: 0, notStarted: 2, cancelled: 0 });
  assert.is(batch.stopped?.because, 'restarted');
  await again.shutdown();
  assert.is(replayedWhole(store).replayReport.divergence, undefined);
});

/** A log of a batch of `sleep 60` whose server stopped while its first run ran. */
async function stoppedMidBatch(): Promise<MemoryStore> {
  const store = new MemoryStore();
  const system = open(store);
  system.batch({ argv: ['sleep', '60'], requestedBy: 'carol', concurrency: 1 }, targets, []);
  await settle();
  await system.shutdown();
  return store;
}

test('a server stopped mid-batch: its log replays', async () => {
  const store = await stoppedMidBatch();
  const replayed = replayedWhole(store);
  assert.is(replayed.replayReport.divergence, undefined);
  assert.equal(replayed.batches.byId.b1.results.map((r) => r.state), ['disconnected', 'notStarted', 'notStarted']);
});

test('a cancelled batch: its log replays, and its stopped terminals stay, ended, with the same results', async () => {
  const store = new MemoryStore();
  const system = open(store);
  system.batch({ argv: ['sh', '-c', 'echo started; sleep 60'], requestedBy: 'carol', concurrency: 2 }, targets, []);
  await settle();
  system.cancelBatch('b1', 'carol');
  await system.shutdown();
  assert.equal(store.entries.filter((entry) => entry.type === 'session.closed'), [], 'nothing was closed');
  const replayed = replayedWhole(store);
  assert.is(replayed.replayReport.divergence, undefined);
  assert.equal(replayed.sessionList.order, ['t1', 't2']);
  assert.equal(replayed.sessionList.order.map((id) => replayed.sessionList.byId[id].state), ['stopped', 'stopped']);
  assert.equal(replayed.batches.byId.b1.results.map((r) => r.state), ['cancelled', 'cancelled', 'notStarted']);
  assert.equal(replayed.batches.byId.b1.totals, { succeeded: 0, failed: 0, skipped: 0, notStarted: 1, cancelled: 2 });
  assert.equal(replayed.alerts.list, [], 'a cancel raises no alert, replayed either');
});

test('a start from a snapshot taken after the cancel: the stopped terminals are there, restartable, and a start logs nothing of them', async () => {
  const store = new MemoryStore();
  const adapter = new FakeExecAdapter((s) => void s.open());
  const system = ExecSystem.open({ adapter, store, clock: (start) => new VirtualClock(start), snapshots: false });
  system.batch({ argv: ['sleep', '60'], requestedBy: 'carol', concurrency: 2 }, targets, []);
  await settle();
  system.cancelBatch('b1', 'carol');
  assert.ok(system.writeSnapshot());
  await system.shutdown();
  const logged = store.entries.length;
  const again = ExecSystem.open({ adapter, store, clock: (start) => new VirtualClock(start), snapshots: false });
  assert.is(again.replayReport.divergence, undefined);
  assert.ok(again.replayReport.snapshot, 'started from the snapshot');
  assert.equal(again.sessionList.order.map((id) => again.sessionList.byId[id].state), ['stopped', 'stopped']);
  assert.equal(store.entries.slice(logged), [], 'an ended terminal is not disconnected again');
  const streams = adapter.streams.length;
  const restarted = again.restart('t1');
  assert.ok(restarted && 'run' in restarted, JSON.stringify(restarted));
  await settle();
  assert.is(adapter.streams.length, streams + 1, 'its restart runs the command again');
  await again.shutdown();
});

test('a cancel asked again logs one stop, and stops nothing twice (its terminals stopped at the first: the batch is over)', async () => {
  const store = new MemoryStore();
  const system = open(store);
  system.batch({ argv: ['sleep', '60'], requestedBy: 'carol', concurrency: 2 }, targets, []);
  await settle();
  assert.ok(system.cancelBatch('b1', 'carol'));
  system.cancelBatch('b1', 'dave');
  await system.shutdown();
  const stops = store.entries.filter((entry) => entry.type === 'batch.stopped');
  assert.is(stops.length, 1, JSON.stringify(stops));
  assert.is(store.entries.filter((entry) => entry.type === 'session.stopped').length, 2);
});

test('a cancel an older build logged (it closed the running terminals) replays as it ran: closed, and a start adds nothing of them', async () => {
  const store = new MemoryStore();
  const system = open(store);
  system.batch({ argv: ['sleep', '60'], requestedBy: 'carol', concurrency: 2 }, targets, []);
  await settle();
  system.cancelBatch('b1', 'carol');
  await system.shutdown();
  // as the older build logged it: batch.stopped without keepsTerminals, each running terminal closed (a close that frees its slot)
  const older = store.entries.map((entry) => {
    if (entry.type === 'batch.stopped') {
      const { keepsTerminals: _kept, ...rest } = entry;
      return rest;
    }
    return entry.type === 'session.stopped' ? { type: 'session.closed' as const, sessionId: entry.sessionId, freesSlot: true as const, seq: entry.seq, time: entry.time } : entry;
  });
  store.entries.length = 0;
  store.entries.push(...older);
  const logged = store.entries.length;
  const again = open(store);
  assert.is(again.replayReport.divergence, undefined);
  assert.equal(again.sessionList.order, [], 'its terminals stay closed');
  assert.equal(again.batches.byId.b1.results.map((r) => r.state), ['closed', 'closed', 'notStarted']);
  assert.equal(again.batches.byId.b1.totals, { succeeded: 0, failed: 2, skipped: 0, notStarted: 1, cancelled: 0 });
  await again.shutdown();
  assert.equal(store.entries.slice(logged), [], 'a start logs nothing of the finished batch');
  assert.is(replayedWhole(store).replayReport.divergence, undefined);
});

test("a log an older build wrote (no batch.stopped: its server emptied a stopped batch's queue unsaid) replays, and a start adds nothing of it", async () => {
  const store = await stoppedMidBatch();
  // as the older build logged it: no batch.stopped, no noIdleTimeout, each run with the server's idle timeout
  const older = store.entries
    .filter((entry) => entry.type !== 'batch.stopped')
    .map((entry) => {
      const { noIdleTimeout: _none, ...rest } = entry as typeof entry & { noIdleTimeout?: true };
      return rest.type === 'session.spawned' ? { ...rest, idleTimeoutMs: 300_000 } : rest;
    });
  store.entries.length = 0;
  older.forEach((entry, i) => store.entries.push({ ...entry, seq: i + 1 } as (typeof store.entries)[number]));
  const logged = store.entries.length;
  const again = open(store);
  assert.is(again.replayReport.divergence, undefined);
  assert.equal(again.batches.byId.b1.results.map((r) => r.state), ['disconnected', 'notStarted', 'notStarted']);
  await again.shutdown();
  assert.equal(store.entries.slice(logged).filter((entry) => entry.type.startsWith('batch.') || entry.type === 'session.spawned'), [], 'nothing of the finished batch is logged again');
});

test.run();

// Several replicas on one shared log (in memory here; tests/events/postgres/ has the real
// database): each runs its own terminals, every one shows them all; a lost replica's terminals
// end as replicaLost, once, and another replica can restart them; a replica that lost its lease
// writes nothing more; a log that does not answer refuses new execs and loses nothing.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { SHARED_SNAPSHOT_FORMAT } from '../../src/runtime/system-snapshot.ts';
import { MemoryLog, type MemorySharedStore } from '../support/memory-shared-store.ts';
import { shellIn } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('replicas on one shared log');

async function replica(log: MemoryLog, name: string, warnings: string[] = []) {
  const store = log.open(`http://${name}:7788`);
  const adapter = new FakeExecAdapter((s) => void s.open());
  const start = await store.start((format) => format === SHARED_SNAPSHOT_FORMAT);
  let leaseLost = 0;
  const system = ExecSystem.openShared({ adapter, store, start, warn: (m) => warnings.push(m), onLeaseLost: () => leaseLost++ });
  return { system, adapter, store: store as MemorySharedStore, leaseLostCount: () => leaseLost };
}

test('each replica runs its own terminals, under ids of its own, and every replica lists them all', async () => {
  const log = new MemoryLog();
  const a = await replica(log, 'a');
  const b = await replica(log, 'b');
  const fromA = a.system.exec(shellIn('web'), ['nginx']);
  const fromB = b.system.exec(shellIn('web'), ['nginx']);
  assert.ok('sessionIds' in fromA && 'sessionIds' in fromB);
  const [idA, idB] = [fromA.sessionIds[0], fromB.sessionIds[0]];
  assert.is(idA, `${a.store.replica.id}-t1`);
  assert.is(idB, `${b.store.replica.id}-t1`);
  await a.system.settled();
  await b.system.settled();
  for (const r of [a, b]) {
    await waitFor(() => r.system.sessionList.byId[idA] && r.system.sessionList.byId[idB], `both terminals in ${r.store.replica.id}'s list`);
    assert.is(r.system.sessionList.byId[idA].replica, a.store.replica.id);
    assert.is(r.system.sessionList.byId[idB].replica, b.store.replica.id);
  }
  assert.ok(a.system.holds(idA) && !a.system.holds(idB));
  // Every replica folds the same entries in the same order.
  assert.equal(log.entries.map((e) => e.seq), log.entries.map((_, i) => i + 1));
  await a.system.shutdown();
  await b.system.shutdown();
});

test("a lost replica's running terminals end as replicaLost, written once, and another replica restarts one", async () => {
  const log = new MemoryLog();
  const a = await replica(log, 'a');
  const b = await replica(log, 'b');
  const c = await replica(log, 'c');
  const started = a.system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
  assert.ok('sessionIds' in started);
  await a.system.settled();
  await waitFor(() => started.sessionIds.every((id) => b.system.sessionList.byId[id]?.state === 'interactive'), 'the terminals run, as B sees');

  log.expire(a.store.replica.id);
  // B and C both look for lost replicas: the store hands A to one of them.
  const [lostToB, lostToC] = [await b.store.claimLostReplicas(), await c.store.claimLostReplicas()];
  assert.is(lostToB.length + lostToC.length, 1);
  assert.equal(b.system.shared!.endRunsOf(lostToB[0], b.system, Date.now()).terminals.sort(), [...started.sessionIds].sort());
  await b.system.settled();
  for (const r of [b, c]) {
    await waitFor(() => started.sessionIds.every((id) => r.system.sessionList.byId[id]?.state === 'disconnected'), 'both disconnected');
    assert.is(r.system.sessionList.byId[started.sessionIds[0]].disconnectReason, 'replicaLost');
  }
  assert.is(log.entries.filter((e) => e.type === 'session.disconnected').length, 2);
  assert.ok(c.system.alerts.list.some((alert) => alert.sessionId === started.sessionIds[0] && /stopped answering/.test(alert.message)), 'an alert for the viewers');

  // Restart through C: C adopts it (B cannot take it too) and runs it.
  const [id] = started.sessionIds;
  assert.ok(await c.system.adopt(id));
  assert.not.ok(await b.system.adopt(id), 'one adopter only');
  assert.equal(c.system.restart(id), { run: 2 });
  await c.system.settled();
  await waitFor(() => b.system.sessionList.byId[id]?.state === 'interactive' && b.system.sessionList.byId[id].replica === c.store.replica.id, 'the new run is live on C');
  assert.is(b.system.sessionList.byId[id].run, 2);
  assert.is(c.adapter.streams.length, 1);
  // A (back from a pause) finds its lease gone and writes nothing more.
  const before = log.entries.length;
  a.store.heartbeat();
  assert.is(a.leaseLostCount(), 1);
  assert.ok(a.adapter.live().length === 0, "A's exec streams are ended");
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.is(log.entries.length, before, 'nothing written by A after its lease was lost');
  for (const r of [a, b, c]) await r.system.shutdown();
});

test('while the log does not answer: new execs are refused with why, running terminals go on, and what happened is written after', async () => {
  const log = new MemoryLog();
  const warnings: string[] = [];
  const a = await replica(log, 'a', warnings);
  const b = await replica(log, 'b');
  const started = a.system.exec(shellIn('web'), ['nginx']);
  assert.ok('sessionIds' in started);
  await a.system.settled();
  log.setAvailable(false);
  assert.match(a.system.shared!.refusesExecs ?? '', /database does not answer/);
  assert.ok(a.system.alerts.list.some((alert) => alert.kind === 'storage'), 'a banner');
  a.system.resize(started.sessionIds[0], 100, 40);
  a.adapter.live()[0].exit(0);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.is(b.system.sessionList.byId[started.sessionIds[0]].state, 'interactive', 'the exit is not written yet');
  log.setAvailable(true);
  assert.is(a.system.shared!.refusesExecs, undefined);
  await waitFor(() => b.system.sessionList.byId[started.sessionIds[0]]?.state === 'exited', 'the exit reaches B');
  const types = log.entries.map((e) => e.type);
  assert.is(types.filter((t) => t === 'session.exited').length, 1, 'written once');
  assert.ok(types.indexOf('session.resized') < types.indexOf('session.exited'), 'in the order they happened');
  assert.ok(warnings.some((w) => /answers again/.test(w)));
  await a.system.shutdown();
  await b.system.shutdown();
});

test('a new replica starts from the shared snapshot and the entries after it, and stops cleanly', async () => {
  const log = new MemoryLog();
  const a = await replica(log, 'a');
  const started = a.system.exec(shellIn('web'), ['nginx']);
  assert.ok('sessionIds' in started);
  await a.system.settled();
  assert.ok(a.system.writeSnapshot());
  a.adapter.live()[0].exit(3);
  await a.system.settled();
  const b = await replica(log, 'b');
  assert.is(b.system.replayReport.snapshot?.seq, log.snapshots[0].seq);
  assert.is(b.system.sessionList.byId[started.sessionIds[0]].exitCode, 3);
  await a.system.shutdown();
  assert.not.ok(log.replicas.has(a.store.replica.id), 'a clean stop gives the lease up');
  await b.system.shutdown();
});

test.run();

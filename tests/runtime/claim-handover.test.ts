// A lost replica's claim that its claimer never settled (the claimer lost in turn, stopped, or
// its answer lost), on the in-memory shared log: another replica's watch marks the terminals
// disconnected once and settles the claim; an adoption whose answer was lost is made again by the
// same replica. tests/events/postgres/leases.test.ts tests the same rules against PostgreSQL.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { ReplicaWatch } from '../../src/runtime/replica-watch.ts';
import { SHARED_SNAPSHOT_FORMAT } from '../../src/runtime/system-snapshot.ts';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { shellIn } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('claims handed over on the shared log');

async function replica(log: MemoryLog, name: string) {
  const store = log.open(`http://${name}:7788`);
  const warnings: string[] = [];
  const start = await store.start((format) => format === SHARED_SNAPSHOT_FORMAT);
  const system = ExecSystem.openShared({ adapter: new FakeExecAdapter((s) => void s.open()), store, start, warn: (m) => warnings.push(m) });
  return { system, store, warnings, watch: new ReplicaWatch(system, store, (m) => warnings.push(m)) };
}

/** Replica A runs two terminals, then is lost; C claims it and writes nothing. */
async function claimedAndLeft(log: MemoryLog) {
  const [a, b, c] = [await replica(log, 'a'), await replica(log, 'b'), await replica(log, 'c')];
  const started = a.system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
  assert.ok('sessionIds' in started);
  await a.system.settled();
  await waitFor(() => started.sessionIds.every((id) => b.system.sessionList.byId[id]?.state === 'interactive'), 'the terminals run, as B lists them');
  log.expire(a.store.replica.id);
  assert.equal((await c.store.claimLostReplicas()).map((r) => r.id), [a.store.replica.id]);
  return { a, b, c, sessionIds: started.sessionIds };
}

const disconnections = (log: MemoryLog) => log.entries.filter((e) => e.type === 'session.disconnected').length;

test("a claimer lost before it wrote anything: the next one marks the terminals disconnected once, and says who was lost", async () => {
  const log = new MemoryLog();
  const { a, b, c, sessionIds } = await claimedAndLeft(log);
  log.expire(c.store.replica.id);
  await b.watch.tick();
  await waitFor(() => sessionIds.every((id) => b.system.sessionList.byId[id]?.disconnectReason === 'replicaLost'), 'A\'s terminals disconnected');
  assert.ok(b.warnings.some((m) => m.includes(`replica ${c.store.replica.id} was lost while it took over from replica ${a.store.replica.id}`)), b.warnings.join('\n'));
  await b.watch.tick(); // settled: not ended again
  await b.system.settled();
  assert.is(disconnections(log), 2);
  for (const r of [a, b, c]) await r.system.shutdown();
});

test('a claimer stopped before it wrote anything: the next one takes the claim it let go', async () => {
  const log = new MemoryLog();
  const { a, b, c, sessionIds } = await claimedAndLeft(log);
  await c.system.shutdown();
  await c.store.close();
  await b.watch.tick();
  await waitFor(() => sessionIds.every((id) => b.system.sessionList.byId[id]?.disconnectReason === 'replicaLost'), 'A\'s terminals disconnected');
  await b.watch.tick();
  await b.system.settled();
  assert.is(disconnections(log), 2, 'once each');
  for (const r of [a, b]) await r.system.shutdown();
});

test('an adoption whose answer was lost is made again by the same replica, and by no other', async () => {
  const log = new MemoryLog();
  const { a, b, c, sessionIds } = await claimedAndLeft(log);
  await c.watch.tick();
  await waitFor(() => b.system.sessionList.byId[sessionIds[0]]?.disconnectReason === 'replicaLost', 'the terminal disconnected');
  const [id] = sessionIds;
  assert.ok(await b.store.adopt(id, a.store.replica.id)); // its answer lost: nothing done with it
  assert.not.ok(await c.system.adopt(id), 'another replica may not take it');
  assert.ok(await b.system.adopt(id), 'the adopter takes it again');
  assert.equal(b.system.restart(id), { run: 2 });
  await b.system.settled();
  assert.is(log.entries.filter((e) => e.type === 'session.adopted').length, 1);
  for (const r of [a, b, c]) await r.system.shutdown();
});

test.run();

// The database unreachable for longer than a lease, without restarting (a network cut, a
// failover to a standby): every replica's lease runs out meanwhile, and none may take the others
// for lost when it answers again. Each keeps its terminals; what they decided meanwhile is written.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { PgStore } from '../../src/events/postgres/pg-store.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { ReplicaWatch } from '../../src/runtime/replica-watch.ts';
import { SHARED_SNAPSHOT_FORMAT } from '../../src/runtime/system-snapshot.ts';
import { startCluster, type PgCluster } from '../support/postgres.ts';
import { shellIn } from '../support/system.ts';
import { startTcpCutter, type TcpCutter } from '../support/tcp-cutter.ts';
import { waitFor } from '../support/wait.ts';

const test = suite<{ cluster: PgCluster }>('the database cut off from every replica for longer than a lease', { context: {} as { cluster: PgCluster } });
const LEASE_MS = 1_000;

test.before(async (context) => {
  context.cluster = await startCluster();
});

test.after(async ({ cluster }) => {
  await cluster?.remove();
});

async function replica(url: string, advertise: string) {
  const store = await PgStore.open({ url, advertise, leaseMs: LEASE_MS, heartbeatMs: 250, pollMs: 200, connectTimeoutMs: 500, statementTimeoutMs: 1_000 });
  const adapter = new FakeExecAdapter((s) => void s.open());
  let leaseLost = 0;
  const system = ExecSystem.openShared({ adapter, store, start: await store.start((f) => f === SHARED_SNAPSHOT_FORMAT), snapshots: false, warn: () => {}, onLeaseLost: () => leaseLost++ });
  const watch = new ReplicaWatch(system, store, () => {}, 200);
  await watch.start();
  return { store, adapter, system, watch, leaseLost: () => leaseLost };
}

test('no replica is taken for lost, and what happened meanwhile is written once it answers', async ({ cluster }) => {
  const direct = await cluster.createDatabase();
  let cutter: TcpCutter | undefined;
  const replicas: Awaited<ReturnType<typeof replica>>[] = [];
  try {
    cutter = await startTcpCutter(Number(new URL(direct).port));
    const url = direct.replace(/:\d+\//, `:${cutter.port}/`);
    replicas.push(await replica(url, 'http://a:1'), await replica(url, 'http://b:1'));
    const [a, b] = replicas;
    const started = a.system.exec(shellIn('web'), ['nginx']);
    assert.ok('sessionIds' in started);
    await a.system.settled();
    await waitFor(() => b.system.sessionList.byId[started.sessionIds[0]]?.state === 'interactive', 'the terminal live on both');

    cutter.hold();
    await waitFor(() => !a.store.available && !b.store.available, 'both find the database gone', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 3 * LEASE_MS)); // every lease runs out
    a.adapter.live()[0].exit(7);
    cutter.release();

    await waitFor(() => b.system.sessionList.byId[started.sessionIds[0]]?.exitCode === 7, 'the exit decided during the cut reaches the other replica', 15_000);
    await new Promise((resolve) => setTimeout(resolve, 3 * LEASE_MS)); // time for any wrong claim
    assert.equal(replicas.map((r) => r.leaseLost()), [0, 0], 'no replica lost its lease');
    assert.equal((await a.store.liveReplicas()).map((r) => r.id).sort(), [a.store.replica.id, b.store.replica.id].sort(), 'both live');
    assert.is((await a.store.read(0, 1000)).filter((e) => e.type === 'session.exited').length, 1, 'the exit written once');
  } finally {
    for (const r of replicas) {
      await r.watch.close();
      await r.system.shutdown();
    }
    await cutter?.close();
  }
});

test.run();

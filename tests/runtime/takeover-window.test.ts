// A replica lost in the middle of taking over from another (PostgreSQL): it claimed a lost replica
// and adopted one of its terminals, then died before writing what became of them. The replica that
// finds it lost finishes the job: every terminal of the first lost replica is marked
// disconnected once, and each is taken over and closed once, the half-adopted one included.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { PgStore } from '../../src/events/postgres/pg-store.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import { ReplicaWatch } from '../../src/runtime/replica-watch.ts';
import { startCluster, type PgCluster } from '../support/postgres.ts';
import { pgReplica } from '../support/pg-replica.ts';
import { shellIn } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';

const test = suite<{ cluster: PgCluster }>('a replica lost while it took over from another', { context: {} as { cluster: PgCluster } });

test.before(async (context) => {
  context.cluster = await startCluster();
});

test.after(async ({ cluster }) => {
  await cluster?.remove();
});

/** how many entries of `type` the log holds for `sessionId` */
const count = (log: LogEntry[], type: LogEntry['type'], sessionId: string) => log.filter((e) => e.type === type && 'sessionId' in e && e.sessionId === sessionId).length;

test('the replica that finds the taker lost marks the first one\'s terminals disconnected and closes each once', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  // never renewed: as a replica SIGKILLed once its terminals run
  const first = await pgReplica(url, 'http://first:1', { leaseMs: 500, heartbeatMs: 3_600_000 });
  // judges the others after its own (short) lease period, so the test need not wait the default 10 s
  const keeper = await pgReplica(url, 'http://keeper:1', { leaseMs: 1_000, heartbeatMs: 250 });
  const watch = new ReplicaWatch(keeper.system, keeper.store, () => {}, 200);
  let taker: PgStore | undefined;
  try {
    const started = first.system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
    assert.ok('sessionIds' in started);
    const [halfAdopted, other] = started.sessionIds;
    await first.system.settled();
    await waitFor(() => started.sessionIds.every((id) => keeper.system.sessionList.byId[id]?.state === 'interactive'), 'the terminals run, as the keeper lists them');
    await waitFor(async () => (await keeper.store.liveReplicas()).length === 1, 'the first replica to lose its lease', 5_000);

    // The taker claims the first replica and adopts one of its terminals, then dies before it writes anything.
    taker = await PgStore.open({ url, advertise: 'http://taker:1', leaseMs: 1_500, heartbeatMs: 3_600_000 });
    assert.equal((await taker.claimLostReplicas()).map((r) => r.id), [first.store.replica.id]);
    assert.ok(await taker.adopt(halfAdopted, first.store.replica.id));

    await watch.start();
    await waitFor(
      () => started.sessionIds.every((id) => keeper.system.sessionList.byId[id]?.disconnectReason === 'replicaLost'),
      "the keeper, once the taker is lost, to mark the first replica's terminals disconnected",
      10_000,
    );
    for (const id of [halfAdopted, other]) {
      assert.ok(await keeper.system.adopt(id), `${id} taken over by the keeper`);
      assert.ok(keeper.system.close(id));
    }
    await keeper.system.settled();
    await watch.tick(); // nothing handed on twice
    await keeper.system.settled();
    const log = await keeper.store.read(0, 10_000);
    for (const id of [halfAdopted, other]) {
      assert.is(count(log, 'session.disconnected', id), 1, `${id} disconnected once`);
      assert.is(count(log, 'session.adopted', id), 1, `${id} adopted once`);
      assert.is(count(log, 'session.closed', id), 1, `${id} closed once`);
      assert.is(keeper.system.sessionList.byId[id], undefined, `${id} gone from the lists`);
    }
  } finally {
    await watch.close();
    await taker?.close();
    await keeper.system.shutdown();
    await first.system.shutdown();
  }
});

test.run();

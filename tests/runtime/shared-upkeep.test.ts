// Retention and compaction on a log replicas share (PostgreSQL): a replica closes the old
// terminals it holds and those of a lost replica (taken over first, once), then compacts what its
// second newest snapshot covers, keeping one audit record per run.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { LogUpkeep } from '../../src/runtime/log-upkeep.ts';
import { SHARED_SNAPSHOT_FORMAT } from '../../src/runtime/system-snapshot.ts';
import { startCluster, type PgCluster } from '../support/postgres.ts';
import { pgReplica, type PgReplica } from '../support/pg-replica.ts';
import { shellIn } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';

const test = suite<{ cluster: PgCluster }>('retention and compaction on a shared log', { context: {} as { cluster: PgCluster } });
const DAY = 86_400_000;

test.before(async (context) => {
  context.cluster = await startCluster();
});

test.after(async ({ cluster }) => {
  await cluster?.remove();
});

async function ran(r: PgReplica, pod: string): Promise<string> {
  const result = r.system.exec(shellIn(pod), ['nginx']);
  assert.ok('sessionIds' in result);
  await waitFor(() => r.adapter.live().length > 0, 'its stream');
  r.adapter.live()[0].stdout('hello').exit(0);
  await r.system.settled();
  return result.sessionIds[0];
}

/** Writes a snapshot and waits until the store has it (a shared log's are written in the background). */
async function snapshot(r: PgReplica): Promise<void> {
  const stored = new Promise<void>((resolve) => {
    const stop = r.system.onSnapshot(() => {
      stop();
      resolve();
    });
  });
  assert.ok(r.system.writeSnapshot(), 'a snapshot is due');
  await stored;
}

test("a replica closes its old terminals and a lost replica's, then compacts: the lists empty, one audit record per run", async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const lost = await pgReplica(url, 'http://lost:1', { leaseMs: 500, heartbeatMs: 3_600_000 });
  const keeper = await pgReplica(url, 'http://keeper:1');
  try {
    const theirs = await ran(lost, 'web');
    const mine = await ran(keeper, 'web');
    await waitFor(() => keeper.system.sessionList.byId[theirs]?.state === 'exited', "the lost replica's terminal ended, as the keeper lists it");
    await waitFor(async () => (await keeper.store.claimLostReplicas()).length === 1, 'the lost replica claimed', 5_000);
    // Two snapshots, so compaction may go as far as the older one.
    await snapshot(keeper);
    const later = await ran(keeper, 'api');
    await snapshot(keeper);

    const upkeep = new LogUpkeep(keeper.system, { compactionBase: () => keeper.store.compactionBase((f) => f === SHARED_SNAPSHOT_FORMAT), compact: (p) => keeper.store.compact(p) }, { days: 1, auditDays: 0 }, () => {}, () => Date.now() + 2 * DAY);
    const first = await upkeep.compact();
    await keeper.system.settled();
    assert.ok(first && !first.busy, JSON.stringify(first));
    for (const id of [theirs, mine, later]) assert.is(keeper.system.sessionList.byId[id], undefined, `${id} closed`);
    assert.ok((await keeper.store.read(0, 10_000)).some((e) => e.type === 'session.adopted' && e.sessionId === theirs), "the lost replica's terminal taken over before its close");
    // The closes are after what the snapshots covered: once two newer snapshots cover them, they go.
    await snapshot(keeper);
    await ran(keeper, 'api');
    await snapshot(keeper);
    const second = await upkeep.compact();
    assert.ok(second && !second.busy && second.removed > 0, JSON.stringify(second));
    const log = await keeper.store.read(0, 10_000);
    const records = log.filter((e) => e.type === 'audit.record');
    assert.equal(records.map((e) => (e.type === 'audit.record' ? e.record.sessionId : '')).sort(), [theirs, mine, later].sort(), 'one audit record per run removed');
    await upkeep.close();
  } finally {
    await keeper.system.shutdown();
    await lost.system.shutdown();
  }
});

test.run();

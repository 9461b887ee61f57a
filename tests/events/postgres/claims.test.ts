// Claims of lost replicas, where the review of issue 17 found them fragile: a claim never waits
// for a replica's row held by a transaction (a replica paused mid-append), a claim stays its
// claimer's until settled (its answer may be lost), a clean stop lets unsettled claims go to the
// next claimer, and a claim whose read of the log fails rejects rather than answer from a stale list.
import { suite } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { PgStore } from '../../../src/events/postgres/pg-store.ts';
import { startCluster, type PgCluster } from '../../support/postgres.ts';
import { listening } from '../../support/shared-store-events.ts';
import { waitFor } from '../../support/wait.ts';

const test = suite<{ cluster: PgCluster }>('PostgreSQL store: claims of lost replicas', { context: {} as { cluster: PgCluster } });

test.before(async (context) => {
  context.cluster = await startCluster();
});

test.after(async ({ cluster }) => {
  await cluster?.remove();
});

/** A replica that never renews its short lease: as one paused (SIGSTOP) past it. */
const paused = (url: string, advertise: string) => PgStore.open({ url, advertise, leaseMs: 500, heartbeatMs: 3_600_000 });

/** A transaction of its own holding `sql`'s locks until `release`. */
async function holding(url: string, sql: string, params: unknown[] = []): Promise<{ release: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query(sql, params);
  return { release: () => client.query('COMMIT').then(() => client.end()) };
}

test('a replica paused mid-append is skipped, not waited for; its claimer, lost meanwhile, is claimed and nothing is left unclaimed', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const keeper = await PgStore.open({ url, advertise: 'http://k:1' });
  const appending = await paused(url, 'http://x:1');
  await waitFor(async () => (await keeper.liveReplicas()).length === 1, 'the paused replica to lose its lease', 5_000);
  // as its append transaction does (holdLease): its row held until it resumes
  const append = await holding(url, 'SELECT 1 FROM replicas WHERE id = $1 FOR SHARE', [appending.replica.id]);
  const claimer = await PgStore.open({ url, advertise: 'http://l:1', leaseMs: 1_000, heartbeatMs: 3_600_000 });
  try {
    assert.equal(await claimer.claimLostReplicas(), [], 'answered while the row is held: skipped for now');
    await waitFor(async () => (await keeper.liveReplicas()).length === 1, 'the claimer to lose its lease in turn', 5_000);
    assert.equal((await keeper.claimLostReplicas()).map((r) => r.id), [claimer.replica.id]);
    await append.release();
    const claims = await keeper.claimLostReplicas();
    assert.equal(claims.map((r) => r.id).sort(), [appending.replica.id, claimer.replica.id].sort(), 'the resumed replica is claimed by a live claimer');
    assert.equal(await claimer.claimLostReplicas(), [], 'the ended claimer claims nothing');
  } finally {
    await append.release().catch(() => {});
    await Promise.all([keeper, appending, claimer].map((s) => s.close()));
  }
});

test("a claim comes back to its claimer until settled, and a clean stop lets it go to the next claimer", async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const keeper = await PgStore.open({ url, advertise: 'http://k:1' });
  const lost = await paused(url, 'http://l:1');
  const claimer = await PgStore.open({ url, advertise: 'http://c:1' });
  try {
    await waitFor(async () => (await keeper.liveReplicas()).length === 2, 'the paused replica to lose its lease', 5_000);
    const first = await claimer.claimLostReplicas();
    assert.equal(first, [{ id: lost.replica.id, advertise: 'http://l:1' }]);
    assert.equal(await claimer.claimLostReplicas(), first, 'asked again (the first answer lost), the claim is given again');
    assert.equal(await keeper.claimLostReplicas(), [], 'never to another while its claimer is live');
    await claimer.close(); // stopped before it settled
    assert.equal(await keeper.claimLostReplicas(), [{ id: lost.replica.id, advertise: 'http://l:1' }], 'let go by the stop, taken by the next claimer');
    await keeper.settleLostReplicas([lost.replica.id]);
    assert.equal(await keeper.claimLostReplicas(), [], 'settled: not given again');
  } finally {
    await Promise.all([keeper, lost, claimer].map((s) => s.close()));
  }
});

test('a claim whose read of the log fails rejects, and is given again once the log reads', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const keeper = await listening(await PgStore.open({ url, advertise: 'http://k:1', statementTimeoutMs: 500 }));
  const lost = await paused(url, 'http://l:1');
  try {
    await waitFor(async () => (await keeper.store.liveReplicas()).length === 1, 'the paused replica to lose its lease', 5_000);
    const locked = await holding(url, 'LOCK TABLE entries IN ACCESS EXCLUSIVE MODE');
    const failed = await keeper.store.claimLostReplicas().then(
      () => 'it resolved',
      (error: Error) => error.message,
    );
    await locked.release();
    assert.match(failed, /statement timeout/);
    assert.equal((await keeper.store.claimLostReplicas()).map((r) => r.id), [lost.replica.id]);
  } finally {
    await Promise.all([keeper.store, lost].map((s) => s.close()));
  }
});

test.run();

// Replicas whose own clocks are minutes apart agree on the database's: each store estimates it,
// and what the replicas time against each other (a voucher's expiry) is read from it.
import { suite } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { PgStore } from '../../../src/events/postgres/pg-store.ts';
import { ReplicaAuth } from '../../../src/server/replicas/replica-auth.ts';
import { startCluster, type PgCluster } from '../../support/postgres.ts';

const test = suite<{ cluster: PgCluster }>('PostgreSQL store: the clock the replicas share', { context: {} as { cluster: PgCluster } });

test.before(async (context) => {
  context.cluster = await startCluster();
});

test.after(async ({ cluster }) => {
  await cluster?.remove();
});

test("a replica whose clock is 5 minutes ahead reads the same time as the others, and their vouchers are good for each other", async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const skew = 5 * 60_000;
  const [ahead, behind] = await Promise.all([
    PgStore.open({ url, advertise: 'http://ahead:1', localClock: () => Date.now() + skew }),
    PgStore.open({ url, advertise: 'http://behind:1', localClock: () => Date.now() - skew }),
  ]);
  try {
    const [{ now }] = await cluster.admin<{ now: number }>(new URL(url).pathname.slice(1), 'SELECT (extract(epoch from clock_timestamp()) * 1000)::float8 AS now');
    for (const store of [ahead, behind]) assert.ok(Math.abs(store.now() - now) < 1_000, `${store.replica.advertise}: ${store.now() - now} ms from the database's clock`);
    const caller = { mode: 'local' as const, admin: true, signOut: null };
    const fromAhead = new ReplicaAuth(ahead.sharedKey, 'local', () => ahead.now(), ahead.replica.id, () => {}).sign(behind.replica.id, caller, 'GET', '/api/v1/stream');
    assert.ok(new ReplicaAuth(behind.sharedKey, 'local', () => behind.now(), behind.replica.id, () => {}).check(fromAhead, 'GET', '/api/v1/stream'), 'ten minutes apart, the voucher holds');
    // On their own clocks they would not agree: a voucher from ten minutes ahead is refused.
    const onOwnClock = (offset: number, self: string) => new ReplicaAuth(ahead.sharedKey, 'local', () => Date.now() + offset, self, () => {});
    assert.is(onOwnClock(-skew, 'b').check(onOwnClock(skew, 'a').sign('b', caller, 'GET', '/p'), 'GET', '/p'), undefined);
  } finally {
    await Promise.all([ahead.close(), behind.close()]);
  }
});

test.run();

// The database's clock as a replica estimates it (src/events/postgres/database-clock.ts) must not
// follow a step of the replica's own wall clock (NTP correcting it at boot, a VM resumed from a
// suspend): until the next heartbeat that reads the database's clock again, and through a whole
// outage of the database, a step would move every voucher this replica signs or checks.
import { suite } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { PgStore } from '../../../src/events/postgres/pg-store.ts';
import { startCluster, type PgCluster } from '../../support/postgres.ts';

const test = suite<{ cluster: PgCluster }>('PostgreSQL store: a step of the local clock', { context: {} as { cluster: PgCluster }, deadlineMs: 60_000 });

test.before(async (context) => {
  context.cluster = await startCluster();
});

test.after(async ({ cluster }) => {
  await cluster?.remove();
});

test("the wall clock stepped 10 minutes ahead after the store read the database's: the store's time does not move with it", async ({ cluster }) => {
  const url = await cluster.createDatabase();
  // the system's wall clock, as the store finds it, stepped below at will
  const realNow = Date.now;
  let step = 0;
  Date.now = () => realNow() + step;
  // no heartbeat during the test: the window a step stands until the clock is read again (or for a whole outage)
  const store = await PgStore.open({ url, advertise: 'http://a:1', heartbeatMs: 600_000 }).finally(() => (Date.now = realNow));
  try {
    const [{ now: database }] = await cluster.admin<{ now: number }>(new URL(url).pathname.slice(1), 'SELECT (extract(epoch from clock_timestamp()) * 1000)::float8 AS now');
    const readAt = performance.now();
    const before = store.now();
    step = 10 * 60_000;
    const after = store.now();
    step = 0;
    const expected = database + (performance.now() - readAt);
    // off by half a round trip at most, a busy machine's seconds; the step is ten minutes
    assert.ok(Math.abs(before - expected) < 60_000, `before the step: ${before - expected} ms from the database's clock`);
    assert.ok(Math.abs(after - expected) < 60_000, `after the step: ${Math.round(after - expected)} ms from the database's clock`);
  } finally {
    await store.close();
  }
});

test.run();

// Delivery that loses nothing: a notification missed (the LISTEN connection cut) is caught up by
// the next read, and a batch written again after its COMMIT's answer was lost is stored once.
import { suite } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { appendBatch } from '../../../src/events/postgres/append-batch.ts';
import { PgStore } from '../../../src/events/postgres/pg-store.ts';
import { startCluster, testPool, type PgCluster } from '../../support/postgres.ts';
import { entries, entry, idOf, listening } from '../../support/shared-store-events.ts';
import { waitFor } from '../../support/wait.ts';

const test = suite<{ cluster: PgCluster }>('PostgreSQL store: delivery', { context: {} as { cluster: PgCluster } });

test.before(async (context) => {
  context.cluster = await startCluster();
});

test.after(async ({ cluster }) => {
  await cluster?.remove();
});

test('a replica whose LISTEN connection is cut still gets every entry, once and in order', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const a = await listening(await PgStore.open({ url, advertise: 'http://a:1', pollMs: 300 }));
  const b = await PgStore.open({ url, advertise: 'http://b:1' });
  const database = new URL(url).pathname.slice(1);
  const listenerOfA = `octant-exec listen ${a.store.replica.id}`;
  // a backend just terminated can still be listed, LISTEN and all, while it exits: the ones cut are left out
  const cutPids: number[] = [];
  try {
    const listenerUp = () => waitFor(async () => (await cluster.admin(database, "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%' AND pid <> ALL($2::int[])", [listenerOfA, cutPids])).length === 1, "a's LISTEN connection");
    await listenerUp();
    b.append(entries('b', 0, 5));
    await waitFor(() => a.seen.delivered.length === 5, 'the first entries at a');
    for (let cut = 0; cut < 3; cut++) {
      await listenerUp();
      const killed = await cluster.admin<{ pid: number }>(database, 'SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> ALL($2::int[])', [listenerOfA, cutPids]);
      assert.is(killed.length, 1, "a's LISTEN connection cut");
      cutPids.push(killed[0].pid);
      b.append(entries('b', 5 + cut * 5, 5)); // notified while a listens to nothing
    }
    await b.flushed(5_000);
    await waitFor(() => a.seen.delivered.length >= 20, 'the entries appended while no notification could reach a');
    assert.equal(a.seen.delivered.map(idOf), Array.from({ length: 20 }, (_, i) => `b-${i}`));
    assert.equal(a.seen.delivered, await b.read(0, 100));
    assert.equal(a.seen.availabilities, [], 'a cut LISTEN connection is not the store being unavailable');
  } finally {
    await Promise.all([a.store.close(), b.close()]);
  }
});

test('a batch written again after its COMMIT answer was lost is stored once, and says where it is', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const store = await PgStore.open({ url, advertise: 'http://a:1' });
  const pool = testPool({ connectionString: url });
  try {
    const batch = [1, 2, 3].map((n) => ({ localNo: n, entry: entry('a', n) }));
    const first = await appendBatch(pool, store.replica.id, batch);
    const retried = await appendBatch(pool, store.replica.id, batch);
    const partly = await appendBatch(pool, store.replica.id, [...batch.slice(2), { localNo: 4, entry: entry('a', 4) }]);
    assert.is(retried, first, 'the retry reports the seq of the stored batch');
    const log = await store.read(0, 100);
    assert.equal(log.map(idOf), ['a-1', 'a-2', 'a-3', 'a-4'], 'nothing twice');
    assert.is(log[2].seq, first);
    assert.is(partly, log[3].seq, 'a batch half stored before: its new entry gets a new seq');
    assert.ok(log[3].seq > log[2].seq + 1, 'the retries leave a gap in seq');
  } finally {
    await pool.end();
    await store.close();
  }
});

test.run();

// PostgreSQL stopped while replicas go on deciding things: they say once that the store does
// not answer, keep what they append in order, and when it is back write it all, each entry once,
// and tell every replica in one order. Past the bound, an append is refused. A connection ended
// while a transaction holds it fails that transaction, never the process.
import { suite } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import process from 'node:process';
import pg from 'pg';
import { withTransaction } from '../../../src/events/postgres/transaction.ts';
import { PgStore } from '../../../src/events/postgres/pg-store.ts';
import { startCluster, type PgCluster } from '../../support/postgres.ts';
import { entries, entry, idOf, listening } from '../../support/shared-store-events.ts';
import { waitFor } from '../../support/wait.ts';

const test = suite<{ cluster: PgCluster }>('PostgreSQL store: outage', { context: {} as { cluster: PgCluster } });

test.before(async (context) => {
  context.cluster = await startCluster();
});

test.after(async ({ cluster }) => {
  await cluster?.remove();
});

const OUTAGE_MS = 3_000;

test('entries appended while the server is stopped are written after it is back: every one once, in order, at both replicas', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  // The outage is longer than a lease: a restarted server gives every lease a full period again.
  const options = { url, pollMs: 200, leaseMs: 1_500, heartbeatMs: 300, connectTimeoutMs: 1_000 };
  const a = await listening(await PgStore.open({ ...options, advertise: 'http://a:1' }));
  const b = await listening(await PgStore.open({ ...options, advertise: 'http://b:1' }));
  try {
    a.store.append(entries('a', 0, 10));
    b.store.append(entries('b', 0, 10));
    await Promise.all([a.store.flushed(5_000), b.store.flushed(5_000)]);
    await cluster.stop();
    const down = Date.now();
    for (let n = 10; n < 100; n += 10) {
      a.store.append(entries('a', n, 10));
      b.store.append(entries('b', n, 10));
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS / 10));
    }
    await waitFor(() => !a.store.available && !b.store.available, 'both replicas to find the store gone');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - down))));
    await cluster.start();
    await Promise.all([a.store.flushed(20_000), b.store.flushed(20_000)]);
    await waitFor(() => a.seen.delivered.length >= 200 && b.seen.delivered.length >= 200, 'every entry at both replicas');
    assert.equal(a.seen.delivered, b.seen.delivered, 'one log, one order');
    assert.equal(a.seen.delivered, await a.store.read(0, 1_000), 'as stored');
    for (const writer of ['a', 'b']) {
      const own = a.seen.delivered.map(idOf).filter((id) => id.startsWith(`${writer}-`));
      assert.equal(own, Array.from({ length: 100 }, (_, i) => `${writer}-${i}`), `${writer}'s entries, each once, in the order appended`);
    }
    for (const seen of [a.seen, b.seen]) {
      assert.is(seen.availabilities.length, 2, 'told once that it went, once that it is back');
      assert.match(seen.availabilities[0]!, /PostgreSQL at 127\.0\.0\.1/);
      assert.not.match(seen.availabilities[0]!, cluster.password);
      assert.is(seen.availabilities[1], undefined);
      assert.is(seen.leaseLosses, 0, 'an outage of the store costs no replica its lease');
    }
  } finally {
    await Promise.all([a.store.close(), b.store.close()]);
  }
});

test('past the bound of what waits, an append is refused whole and nothing is queued of it', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const store = await PgStore.open({ url, advertise: 'http://a:1', maxBuffered: 5, connectTimeoutMs: 1_000 });
  const seen = await listening(store);
  try {
    await cluster.stop();
    store.append(entries('a', 0, 4));
    assert.throws(() => store.append(entries('a', 4, 2)), /has not taken the last 4 entries/);
    store.append([entry('a', 4)]);
    await cluster.start();
    await store.flushed(20_000);
    assert.equal(seen.seen.delivered.map(idOf), ['a-0', 'a-1', 'a-2', 'a-3', 'a-4']);
  } finally {
    await store.close();
  }
});

// A connection the server ends while it is out of the pool (a transaction in flight at a fast
// shutdown, a failover, a killed backend): pg emits 'error' on it, which with nothing listening
// is an uncaught exception that would end the replica. pg_terminate_backend sends the backend
// what a fast shutdown sends every one.
test('a transaction whose backend is terminated rejects; nothing is thrown past it and the pool goes on', async ({ cluster }) => {
  const database = await cluster.createDatabase();
  const pool = new pg.Pool({ connectionString: database, max: 2 });
  pool.on('error', () => {}); // as the stores do: an idle connection dropped
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', record);
  try {
    const tag = `held-${Date.now()}`;
    const held = withTransaction(pool, (client) => client.query(`SELECT pg_sleep(30) AS "${tag}"`));
    const outcome = held.then(() => 'committed', (error: Error) => error.message);
    const name = new URL(database).pathname.slice(1);
    await waitFor(async () => (await cluster.admin(name, `SELECT pid FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`, [`%${tag}%`])).length === 1, 'the transaction running');
    await cluster.admin(name, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`, [`%${tag}%`]);
    assert.match(await outcome, /terminat/);
    // the transaction settles once its ROLLBACK fails at the connection's end, when pg emits 'error';
    // a runtime that reports the end in pieces (Deno) gets a few more turns to emit it
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(uncaught, [], 'no uncaught exception');
    assert.is(pool.totalCount, 0, 'the broken connection was destroyed, not given back');
    assert.equal((await pool.query<{ one: number }>('SELECT 1 AS one')).rows, [{ one: 1 }]);
  } finally {
    process.off('uncaughtException', record);
    await pool.end();
  }
});

test.run();

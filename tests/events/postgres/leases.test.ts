// Leases: a replica whose lease ran out is handed to exactly one claimer, a terminal is adopted
// once (or once more when its adopter ended before writing it; again by its adopter, whose answer
// may be lost), a lost replica writes nothing more (it is told, and what waited is dropped), and
// two replicas cannot share an advertised address. Claims: a lost claimer's unsettled claims are
// handed on, a claim never waits for a row held by a transaction (a replica paused mid-append),
// a claim comes back to its claimer until settled and a clean stop lets it go to the next, and a
// claim whose read of the log fails rejects rather than answer from a stale list.
import { suite } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { PgStore } from '../../../src/events/postgres/pg-store.ts';
import { startCluster, testClient, type PgCluster } from '../../support/postgres.ts';
import { entries, idOf, listening } from '../../support/shared-store-events.ts';
import { waitFor } from '../../support/wait.ts';

const test = suite<{ cluster: PgCluster }>('PostgreSQL store: leases', { context: {} as { cluster: PgCluster } });

test.before(async (context) => {
  context.cluster = await startCluster();
});

test.after(async ({ cluster }) => {
  await cluster?.remove();
});

/** A replica that never renews its short lease: as one paused (SIGSTOP) past it. */
const paused = (url: string, advertise: string) => PgStore.open({ url, advertise, leaseMs: 500, heartbeatMs: 3_600_000 });

const sorted = (ids: string[]) => [...ids].sort();

test('a replica whose lease ran out is claimed by exactly one of two claimers, and is no longer live', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const [a, b] = await Promise.all([PgStore.open({ url, advertise: 'http://a:1' }), PgStore.open({ url, advertise: 'http://b:1' })]);
  const lost = await Promise.all([paused(url, 'http://c:1'), paused(url, 'http://d:1')]);
  try {
    assert.is(new Set([a, b, ...lost].map((s) => s.replica.id)).size, 4, 'ids are unique');
    for (const store of [a, b, ...lost]) assert.match(store.replica.id, /^[a-z0-9]{6}$/);
    await waitFor(async () => (await a.liveReplicas()).length === 2, 'the paused replicas to lose their leases', 5_000);
    assert.equal(sorted((await b.liveReplicas()).map((r) => r.id)), sorted([a.replica.id, b.replica.id]));
    const claims = await Promise.all([a.claimLostReplicas(), b.claimLostReplicas(), a.claimLostReplicas(), b.claimLostReplicas()]);
    // a claimer is given its claims again until it settles them (an answer may be lost), never another's
    const [toA, toB] = [new Set([...claims[0], ...claims[2]].map((r) => r.id)), new Set([...claims[1], ...claims[3]].map((r) => r.id))];
    assert.not.ok([...toA].some((id) => toB.has(id)), 'no replica claimed by both');
    const claimed = [...claims[0], ...claims[2], ...claims[1], ...claims[3]].filter((r, i, all) => all.findIndex((o) => o.id === r.id) === i);
    assert.equal(sorted(claimed.map((r) => r.id)), sorted(lost.map((s) => s.replica.id)), 'each lost replica claimed');
    assert.equal(claimed.find((r) => r.id === lost[0].replica.id)?.advertise, 'http://c:1');
    await Promise.all([a.settleLostReplicas([...toA]), b.settleLostReplicas([...toB])]);
    assert.equal([...(await a.claimLostReplicas()), ...(await b.claimLostReplicas())], [], 'nothing left to claim once settled');
  } finally {
    await Promise.all([a, b, ...lost].map((s) => s.close()));
  }
});

test('a replica whose own lease ran out claims no one, itself included, and adopts nothing', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const [stale, other] = await Promise.all([paused(url, 'http://s:1'), paused(url, 'http://o:1')]);
  const live = await PgStore.open({ url, advertise: 'http://l:1' });
  try {
    await waitFor(async () => (await live.liveReplicas()).length === 1, 'the paused replicas to lose their leases', 5_000);
    assert.equal(await stale.claimLostReplicas(), [], 'a lost replica judges nobody');
    assert.not.ok(await stale.adopt('o00001-t1', other.replica.id), 'nor takes a terminal over');
    assert.equal(sorted((await live.claimLostReplicas()).map((r) => r.id)), sorted([stale.replica.id, other.replica.id]), 'both left for a live replica to claim');
  } finally {
    await Promise.all([stale, other, live].map((s) => s.close()));
  }
});

test('a terminal of a lost replica is adopted by one replica only', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const [a, b] = await Promise.all([PgStore.open({ url, advertise: 'http://a:1' }), PgStore.open({ url, advertise: 'http://b:1' })]);
  try {
    const tries = await Promise.all([a.adopt('c00001-1', 'c00001'), b.adopt('c00001-1', 'c00001')]);
    assert.equal(tries.filter(Boolean).length, 1, 'true for one replica');
    const [adopter, other] = tries[0] ? [a, b] : [b, a];
    assert.ok(await adopter.adopt('c00001-1', 'c00001'), 'true again for its adopter, which has not written session.adopted (its first answer may have been lost)');
    assert.not.ok(await other.adopt('c00001-1', 'c00001'), 'never for the other');
    assert.ok(await b.adopt('c00001-2', 'c00001'), 'another terminal of the same replica is another adoption');
    assert.ok(await a.adopt('c00001-1', 'd00001'), 'the same session from another former owner (adopted again after a second loss)');
    assert.not.ok(await a.adopt(`${b.replica.id}-t1`, b.replica.id), 'never from a live replica: it holds the terminal and answers for it');
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('a replica reaped while paused is told its lease is lost at its next write, drops what waited, and never writes again', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const a = await listening(await PgStore.open({ url, advertise: 'http://a:1' }));
  const gone = await listening(await paused(url, 'http://c:1'));
  try {
    gone.store.append(entries('c', 0, 2));
    await gone.store.flushed(5_000);
    await waitFor(async () => (await a.store.claimLostReplicas()).length === 1, 'the paused replica to be reaped', 5_000);
    gone.store.append(entries('c', 2, 3)); // it wakes up and goes on as if nothing happened
    await waitFor(() => gone.seen.leaseLosses === 1, 'the lost replica to be told');
    assert.throws(() => gone.store.append(entries('c', 5, 1)), /lost its lease/);
    assert.match(await gone.store.flushed(1_000).then(() => 'flushed', (error: Error) => error.message), /lost its lease/);
    assert.throws(() => gone.store.adopt('x', 'y'), /adopts no terminal/);
    a.store.append(entries('a', 0, 1));
    await a.store.flushed(5_000);
    await waitFor(() => gone.seen.delivered.some((e) => idOf(e) === 'a-0'), 'the lost replica to go on reading the log');
    assert.equal((await a.store.read(0, 100)).map(idOf), ['c-0', 'c-1', 'a-0'], 'nothing written after the lease was lost');
    assert.is(gone.seen.leaseLosses, 1);
  } finally {
    await Promise.all([a.store.close(), gone.store.close()]);
  }
});

test('a lease that ran out is renewed by a late heartbeat until another replica claims it; then that heartbeat finds it gone', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const a = await PgStore.open({ url, advertise: 'http://a:1' });
  // heartbeats further apart than the lease: as a replica that could not reach the database for a while
  const late = await listening(await PgStore.open({ url, advertise: 'http://c:1', leaseMs: 300, heartbeatMs: 700 }));
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_600)); // two late heartbeats
    assert.is(late.seen.leaseLosses, 0, 'unclaimed, the lease is renewed: a database that answered nobody costs nobody their lease');
    const claimed = await waitFor(async () => {
      const lost = await a.claimLostReplicas();
      return lost.length ? lost : undefined;
    }, 'a moment when its lease has run out, to claim it', 5_000);
    assert.equal(claimed.map((r) => r.id), [late.store.replica.id], 'claimed by another replica, which writes what became of its terminals');
    await waitFor(() => late.seen.leaseLosses === 1, 'its next heartbeat to find the lease gone');
  } finally {
    await Promise.all([a.close(), late.store.close()]);
  }
});

test('a second replica with the same advertised address waits one lease period, then is refused; after a clean stop it starts at once', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const first = await PgStore.open({ url, advertise: 'http://same:1', leaseMs: 800, heartbeatMs: 200 });
  try {
    const started = Date.now();
    const refused = await PgStore.open({ url, advertise: 'http://same:1', leaseMs: 800 }).then(
      (store) => store.close().then(() => undefined),
      (error: Error) => error.message,
    );
    assert.match(refused ?? 'it started', `replica ${first.replica.id} is live with the same advertised address (http://same:1)`);
    assert.not.match(refused!, /\n/);
    assert.ok(Date.now() - started >= 800, 'it waited for the lease to lapse');
  } finally {
    await first.close();
  }
  const next = await PgStore.open({ url, advertise: 'http://same:1', leaseMs: 800 });
  await next.close();
});

/** A claimer or adopter that dies after its first write: its lease lasts long enough for that write, and is never renewed. */
const dying = (url: string, advertise: string) => PgStore.open({ url, advertise, leaseMs: 1_500, heartbeatMs: 3_600_000 });

test('a claimer lost before it wrote what became of its claims hands them on to the replica that claims it', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const keeper = await PgStore.open({ url, advertise: 'http://k:1' });
  const lost = await paused(url, 'http://l:1');
  await waitFor(async () => (await keeper.liveReplicas()).length === 1, 'the paused replica to lose its lease', 5_000);
  const claimer = await dying(url, 'http://x:1');
  try {
    assert.equal((await claimer.claimLostReplicas()).map((r) => r.id), [lost.replica.id]);
    assert.equal(await keeper.claimLostReplicas(), [], 'claimed: while its claimer is live, it is that claimer\'s');
    const handed = await waitFor(async () => {
      const claimed = await keeper.claimLostReplicas();
      return claimed.length ? claimed : undefined;
    }, 'the claimer to be lost in turn', 5_000);
    assert.equal(handed, [{ id: lost.replica.id, advertise: 'http://l:1', claimedFrom: claimer.replica.id }, { id: claimer.replica.id, advertise: 'http://x:1' }]);
    await keeper.settleLostReplicas([lost.replica.id, claimer.replica.id]);
    assert.equal(await keeper.claimLostReplicas(), [], 'each handed on once');
  } finally {
    await Promise.all([keeper, lost, claimer].map((s) => s.close()));
  }
});

test('an adoption whose adopter ended before it wrote session.adopted is taken over once; one that wrote it is not', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const [keeper, second] = await Promise.all([PgStore.open({ url, advertise: 'http://k:1' }), PgStore.open({ url, advertise: 'http://k:2' })]);
  const lost = await paused(url, 'http://l:1');
  await waitFor(async () => (await keeper.liveReplicas()).length === 2, 'the paused replica to lose its lease', 5_000);
  const [silent, wrote] = await Promise.all([dying(url, 'http://x:1'), dying(url, 'http://y:1')]);
  const [left, taken] = [`${lost.replica.id}-t1`, `${lost.replica.id}-t2`];
  try {
    assert.ok(await silent.adopt(left, lost.replica.id));
    assert.ok(await wrote.adopt(taken, lost.replica.id));
    wrote.append([{ type: 'session.adopted', sessionId: taken, replica: wrote.replica.id, from: lost.replica.id, time: Date.now() }]);
    await wrote.flushed(5_000);
    assert.not.ok(await keeper.adopt(left, lost.replica.id), 'not while its adopter is live');
    await waitFor(async () => (await keeper.liveReplicas()).length === 2, 'both adopters to lose their leases', 5_000);
    assert.not.ok(await keeper.adopt(left, lost.replica.id), 'nor while its lease ran out unclaimed: it may still renew it and write');
    assert.equal(sorted((await keeper.claimLostReplicas()).map((r) => r.id)), sorted([lost.replica.id, silent.replica.id, wrote.replica.id]));
    const tries = await Promise.all([keeper.adopt(left, lost.replica.id), second.adopt(left, lost.replica.id)]);
    assert.equal(tries.filter(Boolean).length, 1, 'taken over once its adopter ended, by one caller');
    assert.not.ok(await keeper.adopt(taken, lost.replica.id), 'a terminal its adopter made its own is not adopted from its former owner again');
    assert.ok(await keeper.adopt(taken, wrote.replica.id), 'but from that adopter, now lost');
  } finally {
    await Promise.all([keeper, second, lost, silent, wrote].map((s) => s.close()));
  }
});

/** A transaction of its own holding `sql`'s locks until `release`. */
async function holding(url: string, sql: string, params: unknown[] = []): Promise<{ release: () => Promise<void> }> {
  const client = testClient({ connectionString: url });
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

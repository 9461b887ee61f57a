// Sign-outs through the store: one replica's revocation reaches another within a second (and one
// that starts later at once), only the hash it was given is stored, a sign-out written twice is
// stored once, a person's sign-out written again with a later end replaces it, and a sign-out
// whose session has ended is deleted by the next write.
import { suite } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { PgStore } from '../../../src/events/postgres/pg-store.ts';
import type { RevokedSignIn } from '../../../src/events/shared-store.ts';
import { startCluster, type PgCluster } from '../../support/postgres.ts';
import { waitFor } from '../../support/wait.ts';

const test = suite<{ cluster: PgCluster }>('PostgreSQL store: sign-outs', { context: {} as { cluster: PgCluster } });

test.before(async (context) => {
  context.cluster = await startCluster();
});

test.after(async ({ cluster }) => {
  await cluster?.remove();
});

function told(store: PgStore): RevokedSignIn[] {
  const seen: RevokedSignIn[] = [];
  store.listenRevocations((revoked) => seen.push(...revoked));
  return seen;
}

test('a sign-out revoked through one store reaches another within a second, and one started later at once', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const a = await PgStore.open({ url, advertise: 'http://a:1' });
  const b = await PgStore.open({ url, advertise: 'http://b:1' });
  const stores = [a, b];
  try {
    const atA = told(a);
    const atB = told(b);
    const later = Date.now() + 3600_000;
    const started = Date.now();
    a.revokeSignIn('hash-of-one', later);
    await waitFor(() => atB.length === 1, 'the sign-out at b');
    assert.ok(Date.now() - started < 1_000, `within a second, not ${Date.now() - started} ms`);
    assert.equal(atB, [{ idHash: 'hash-of-one', expiresAt: later }]);
    await waitFor(() => atA.length === 1, 'and at a, which wrote it');

    const c = await PgStore.open({ url, advertise: 'http://c:1' });
    stores.push(c);
    const atC = told(c);
    await waitFor(() => atC.length === 1, 'a store opened later is told the sign-outs so far');
    assert.equal(atC, atB);
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
});

test('only the hash is stored, once however often it is written; an ended one is deleted by the next write', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const database = new URL(url).pathname.slice(1);
  const a = await PgStore.open({ url, advertise: 'http://a:1' });
  try {
    const seen = told(a);
    const later = Date.now() + 3600_000;
    a.revokeSignIn('twice', later);
    a.revokeSignIn('twice', later);
    // long enough to be written on a busy machine (a sign-out whose session ended before its write is dropped)
    a.revokeSignIn('ending', Date.now() + 30_000);
    await waitFor(() => seen.some((r) => r.idHash === 'ending'), 'both stored');
    assert.equal(await cluster.admin(database, 'SELECT id_hash FROM revocations ORDER BY no'), [{ id_hash: 'twice' }, { id_hash: 'ending' }]);
    await cluster.admin(database, "UPDATE revocations SET expires_at = expires_at - 120000 WHERE id_hash = 'ending'"); // ended 90 s ago: past the clock slack
    a.revokeSignIn('next', later);
    await waitFor(() => seen.some((r) => r.idHash === 'next'), 'the next one stored');
    assert.equal(await cluster.admin(database, 'SELECT id_hash FROM revocations ORDER BY no'), [{ id_hash: 'twice' }, { id_hash: 'next' }]);
  } finally {
    await a.close();
  }
});

test("a person's sign-out given again with a later end replaces it, even while the first is being written, and every store is told it again", async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const database = new URL(url).pathname.slice(1);
  const a = await PgStore.open({ url, advertise: 'http://a:1' });
  const b = await PgStore.open({ url, advertise: 'http://b:1' });
  try {
    const atB = told(b);
    const [first, later] = [Date.now() + 3600_000, Date.now() + 7200_000];
    a.revokeSignIn('person.YWxpY2U', first);
    a.revokeSignIn('person.YWxpY2U', later); // while the first is being written
    await waitFor(() => atB.some((r) => r.expiresAt === later), 'b told the later one');
    assert.equal(await cluster.admin(database, 'SELECT id_hash, expires_at FROM revocations'), [{ id_hash: 'person.YWxpY2U', expires_at: String(later) }]);
    a.revokeSignIn('person.YWxpY2U', first); // an earlier one again (a retry) changes nothing
    a.revokeSignIn('next', first);
    await waitFor(() => atB.some((r) => r.idHash === 'next'), 'the next one stored');
    assert.equal(await cluster.admin(database, "SELECT expires_at FROM revocations WHERE id_hash = 'person.YWxpY2U'"), [{ expires_at: String(later) }]);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('a sign-out while the database is down is written when it is back', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const a = await PgStore.open({ url, advertise: 'http://a:1', connectTimeoutMs: 1_000 });
  const b = await PgStore.open({ url, advertise: 'http://b:1', connectTimeoutMs: 1_000 });
  try {
    const atB = told(b);
    await cluster.stop();
    a.revokeSignIn('while-down', Date.now() + 3600_000);
    await waitFor(() => !a.available, 'a finds the database gone');
    await cluster.start();
    await waitFor(() => atB.some((r) => r.idHash === 'while-down'), 'b is told once the database is back', 20_000);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test.run();

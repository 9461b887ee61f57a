// What a replica says when it cannot start on the store: one line naming the problem and what to
// do, never the password. And replicas starting at once on an empty database migrate it once.
import { suite } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import { redactUrl } from '../../../src/events/postgres/connection-errors.ts';
import { PgStore } from '../../../src/events/postgres/pg-store.ts';
import { SCHEMA_VERSION } from '../../../src/events/postgres/schema.ts';
import { startCluster, type PgCluster } from '../../support/postgres.ts';

const test = suite<{ cluster: PgCluster }>('PostgreSQL store: start errors', { context: {} as { cluster: PgCluster } });

test.before(async (context) => {
  context.cluster = await startCluster();
});

test.after(async ({ cluster }) => {
  await cluster?.remove();
});

/** Why `open` refused, checked to be one line without `secret`. */
async function refusal(url: string, secret: string): Promise<string> {
  const message = await PgStore.open({ url, advertise: 'http://a:1', connectTimeoutMs: 2_000 }).then(
    async (store) => {
      await store.close();
      return 'it started';
    },
    (error: Error) => error.message,
  );
  assert.not.match(message, /\n/, 'one line');
  assert.not.ok(message.includes(secret), `the password is not in "${message}"`);
  return message;
}

test('a store that is not a PostgreSQL URL is refused without being printed', async () => {
  for (const url of ['mysql://root:hunter2@db/app', 'host=db password=hunter2', 'postgres//root:hunter2@db']) {
    assert.match(await refusal(url, 'hunter2'), /^the store is not a PostgreSQL URL: give postgres:\/\/USER:PASSWORD@HOST:PORT\/DATABASE/);
  }
});

test('a wrong password is named as such, and neither password is in the message', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const wrong = 'not-the-password-7f3a';
  const message = await refusal(cluster.url(new URL(url).pathname.slice(1), wrong), wrong);
  assert.match(message, /PostgreSQL at 127\.0\.0\.1:\d+ refused the password of user octant: check the password/);
  assert.not.ok(message.includes(cluster.password));
});

test('a port nobody listens on, and a database that does not exist, say so', async ({ cluster }) => {
  const closed = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  const unreachable = `postgres://octant:${cluster.password}@127.0.0.1:${closed}/app`;
  assert.match(await refusal(unreachable, cluster.password), new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${closed} refused the connection: is it running`));
  assert.match(await refusal(cluster.url('nowhere'), cluster.password), /has no database nowhere: create it \(CREATE DATABASE nowhere\)/);
});

test('a server that accepts but never answers is given up on after the connect timeout', async ({ cluster }) => {
  const held = new Set<import('node:net').Socket>();
  const silent = createServer((socket) => held.add(socket));
  const port = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)));
  try {
    const message = await refusal(`postgres://octant:${cluster.password}@127.0.0.1:${port}/app`, cluster.password);
    assert.match(message, new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${port} did not answer in time`));
  } finally {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('a schema newer than this code is left alone, and the start refused', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  await (await PgStore.open({ url, advertise: 'http://a:1' })).close();
  await cluster.admin(new URL(url).pathname.slice(1), 'INSERT INTO schema_versions (version) VALUES ($1)', [SCHEMA_VERSION + 1]);
  assert.match(await refusal(url, cluster.password), `the database's schema is version ${SCHEMA_VERSION + 1}, newer than this octant-exec knows (${SCHEMA_VERSION}): run a newer octant-exec`);
});

test('replicas starting at once on an empty database migrate it once and share one key', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const stores = await Promise.all(['a', 'b', 'c'].map((name) => PgStore.open({ url, advertise: `http://${name}:1` })));
  try {
    const versions = await cluster.admin(new URL(url).pathname.slice(1), 'SELECT version FROM schema_versions ORDER BY version');
    assert.equal(versions, Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
    assert.is(stores[0].sharedKey.length, 32);
    for (const store of stores) assert.equal([...store.sharedKey], [...stores[0].sharedKey]);
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
});

test('a store URL is printed without its password', () => {
  assert.is(redactUrl('postgres://octant:s3cret@db:5432/exec?sslmode=require'), 'postgres://octant:***@db:5432/exec?sslmode=require');
  assert.is(redactUrl('postgresql://db/exec'), 'postgresql://db/exec');
  assert.is(redactUrl('mysql://root:s3cret@db'), '(an unparseable connection string)');
});

test.run();

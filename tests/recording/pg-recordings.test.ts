// Recordings in PostgreSQL (pg-recordings.ts), replicas on one database: what one records another
// reads byte for byte, while it is written and once compressed; a replica lost mid-recording
// leaves all it had stored (written within a flush interval, without a stop), which another
// finishes once it has ended (a lease merely run out is not enough), and a finished recording
// takes no more chunks; the database stopped mid-recording loses nothing and doubles nothing, unless a
// recording holds more than its bound meanwhile (it stops as failed, saying why, and what was
// stored stays); a chunk sent again is kept and counted once; turned off and on, a recording goes
// on in its rows; retention's remove takes them. Review fixes of issue 21: what is written while
// a store is under way is stored after it; a database that hangs never makes the writer wait (the
// bound holds); a recording's size counts only what was stored; downloads held open leave the
// writes their connections.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { text } from 'node:stream/consumers';
import { PgStore, type PgStoreOptions } from '../../src/events/postgres/pg-store.ts';
import { CastWriter } from '../../src/recording/cast-writer.ts';
import { PgRecordings, type PgRecordingsOptions } from '../../src/recording/pg-recordings.ts';
import { startCluster, testClient, type PgCluster } from '../support/postgres.ts';
import { waitFor } from '../support/wait.ts';

interface Context {
  cluster: PgCluster;
  url: string;
  stores: PgStore[];
  /** replica A's recordings, replica B's */
  a: PgRecordings;
  b: PgRecordings;
}

const test = suite<Context>('recordings in PostgreSQL', { context: {} as Context, deadlineMs: 60_000 });

const storeOptions = (url: string, advertise: string): PgStoreOptions => ({ url, advertise, leaseMs: 1_000, heartbeatMs: 200, connectTimeoutMs: 1_000 });
const recordings = (url: string, store: PgStore, options: Partial<PgRecordingsOptions> = {}) => new PgRecordings({ url, replica: store.replica.id, connectTimeoutMs: 1_000, statementTimeoutMs: 5_000, ...options });

test.before(async (context) => {
  context.cluster = await startCluster();
  context.url = await context.cluster.createDatabase();
  context.stores = [await PgStore.open(storeOptions(context.url, 'http://a:1')), await PgStore.open(storeOptions(context.url, 'http://b:1'))];
  context.a = recordings(context.url, context.stores[0]);
  context.b = recordings(context.url, context.stores[1]);
});

test.after(async ({ cluster, stores, a, b }) => {
  await Promise.all([...(stores ?? []).map((store) => store.close(0)), a?.close(), b?.close()]);
  await cluster?.remove();
});

const header = { width: 80, height: 24, timestamp: 1_800_000_000, command: 'bash', env: { TERM: 'xterm-256color' } };
const HEADER_LINE = `${JSON.stringify({ version: 2, ...header })}\n`;
const bytes = (data: string) => new TextEncoder().encode(data);

/** A writer on `storage` whose clock stands still: every event is at 0 s, so the text it must give is known exactly. */
function recorded(storage: PgRecordings, name: string, stopped: string[] = []) {
  const w = new CastWriter({ name, header, maxBytes: 1 << 20, now: () => 0, flushMs: 100, storage, stoppedItself: (reason, detail) => stopped.push(`${reason}: ${detail}`) });
  const said = { w, text: HEADER_LINE, say: (data: string) => {
    w.output(bytes(data));
    said.text += `${JSON.stringify([0, 'o', data])}\n`;
  } };
  return said;
}

/** the recordings' rows, with how many plain chunks each has */
const rows = ({ cluster, url }: Context, name: string) =>
  cluster.admin(new URL(url).pathname.slice(1), `SELECT state, compressed, bytes::int, (SELECT count(*)::int FROM recording_chunks c WHERE c.name = r.name AND NOT c.compressed) AS plain FROM recordings r WHERE name = $1`, [name]);

async function played(storage: PgRecordings, name: string): Promise<{ text: string; gzipped: boolean } | undefined> {
  const cast = await storage.read(name, 1 << 20);
  if (!cast) return undefined;
  return { text: await text(cast.text()).finally(() => cast.close()), gzipped: cast.gzipped };
}

test('recorded on one replica, played on the other: the same bytes while written and once compressed', async (context) => {
  const { a, b } = context;
  const r = recorded(a, 'web-run1-1');
  // past the writer's buffer a few times: several chunks
  for (let i = 0; i < 200; i++) r.say(`line ${i} \u001b[32mgreen\u001b[0m €\r\n`.repeat(40));
  await waitFor(async () => (await played(b, 'web-run1-1'))?.text === r.text, 'the other replica to play it while it is written', 10_000);
  await r.w.stop('ended');
  assert.is(r.w.bytes, Buffer.byteLength(r.text));
  await a.finish('web-run1-1');
  const after = await played(b, 'web-run1-1');
  assert.ok(after?.gzipped, 'compressed at rest');
  assert.ok(after.text === r.text, 'the same bytes, compressed');
  assert.equal(await rows(context, 'web-run1-1'), [{ state: 'finished', compressed: true, bytes: Buffer.byteLength(r.text), plain: 0 }]);
});

test('the database stopped mid-recording: what was written meanwhile is stored after, each chunk once; one holding past its bound stops as failed, saying why', async (context) => {
  const { cluster, url, stores, a, b } = context;
  const small = recordings(url, stores[1], { maxHeldBytes: 4096, closeTimeoutMs: 300 });
  try {
    const going = recorded(a, 'web-run1-2');
    const stopped: string[] = [];
    const bounded = recorded(small, 'web-run1-3', stopped);
    going.say('before\r\n');
    bounded.say('kept\r\n');
    const kept = bounded.text;
    await waitFor(async () => (await played(b, 'web-run1-2'))?.text === going.text && (await played(b, 'web-run1-3'))?.text === kept, 'the first lines stored', 5_000);
    await cluster.stop();
    for (let i = 0; i < 10; i++) {
      going.say(`while stopped ${i}\r\n`);
      bounded.say('x'.repeat(1000));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await bounded.w.closed;
    assert.is(bounded.w.stopped, 'failed');
    assert.equal(stopped.length, 1);
    assert.match(stopped[0], /^failed: the recording in the database could not be written \(the database has not taken the last \d+ bytes/);
    await cluster.start();
    going.say('after\r\n');
    await going.w.stop('ended');
    assert.is(going.w.stopped, 'ended', 'nothing lost: the recording went on');
    assert.equal(await played(b, 'web-run1-2'), { text: going.text, gzipped: false });
    assert.is((await rows(context, 'web-run1-2'))[0].bytes, Buffer.byteLength(going.text), 'each chunk counted once');
    assert.equal(await played(b, 'web-run1-3'), { text: kept, gzipped: false }, 'what was stored before the bound stays');
  } finally {
    await small.close();
  }
});

test('turned off and on again in its run, a recording goes on in the same rows after its last chunk', async ({ a, b }) => {
  const first = recorded(a, 'web-run1-6');
  first.say('before the pause\r\n');
  await first.w.stop('user');
  const resumed = new CastWriter({ name: 'web-run1-6', header, maxBytes: 1 << 20, now: () => 0, storage: a, resume: first.w });
  resumed.output(bytes('after the pause\r\n'));
  await resumed.stop('ended');
  assert.equal(await played(b, 'web-run1-6'), { text: `${first.text}${JSON.stringify([0, 'o', 'after the pause\r\n'])}\n`, gzipped: false });
  assert.is(resumed.bytes, Buffer.byteLength((await played(b, 'web-run1-6'))!.text));
});

test('chunks sent again (an answer lost after the commit) are stored and counted once', async (context) => {
  const first = await context.a.open('web-run1-7', false);
  const line = Buffer.from(HEADER_LINE);
  await first.write(line, 0, line.length);
  await first.datasync();
  // the same chunk, numbered the same, as a retry after a lost answer sends it
  const again = await context.a.open('web-run1-7', false);
  await again.write(line, 0, line.length);
  await again.datasync();
  await Promise.all([first.close(), again.close()]);
  assert.equal(await rows(context, 'web-run1-7'), [{ state: 'writing', compressed: false, bytes: line.length, plain: 1 }]);
  assert.equal(await played(context.b, 'web-run1-7'), { text: HEADER_LINE, gzipped: false });
});

test("retention's remove takes a recording's rows, chunks and all; it is gone for every replica", async (context) => {
  const { a, b } = context;
  const r = recorded(a, 'web-run1-4');
  r.say('soon gone\r\n');
  await r.w.stop('ended');
  assert.ok((await b.list()).some((kept) => kept.name === 'web-run1-4'));
  await b.remove('web-run1-4');
  assert.is(await played(a, 'web-run1-4'), undefined);
  assert.equal(await rows(context, 'web-run1-4'), []);
  assert.equal(await context.cluster.admin(new URL(context.url).pathname.slice(1), `SELECT count(*)::int AS n FROM recording_chunks WHERE name = 'web-run1-4'`), [{ n: 0 }]);
});

test('a replica lost mid-recording: what it wrote is stored within a flush interval, and another replica finishes it', async ({ url, b }) => {
  const lost = await PgStore.open(storeOptions(url, 'http://c:1'));
  const c = recordings(url, lost, { closeTimeoutMs: 300 });
  const r = recorded(c, 'web-run1-5');
  for (let i = 0; i < 5; i++) {
    r.say(`typed ${i}\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // never stopped: what it wrote reaches the database by itself (the writer's timers), not at a stop
  await waitFor(async () => (await played(b, 'web-run1-5'))?.text === r.text, 'what it wrote, stored without a stop', 5_000);
  assert.not.ok((await b.leftovers()).includes('web-run1-5'), 'a live replica keeps its own');
  await lost.close(0);
  await c.close();
  assert.ok((await b.leftovers()).includes('web-run1-5'), "the lost replica's recording is another's to finish");
  assert.is(await b.finish('web-run1-5'), true, 'this call finished it');
  assert.is(await b.finish('web-run1-5'), false, 'a second finish (another replica that found it too) says it did not');
  assert.equal(await played(b, 'web-run1-5'), { text: r.text, gzipped: true });
  assert.not.ok((await b.leftovers()).includes('web-run1-5'));
  r.w.output(bytes('after its replica is gone\r\n'));
  await r.w.stop('ended');
  assert.is(r.w.stopped, 'failed', 'nothing more is written, and it says so');
});

test("a replica whose lease ran out, not claimed, may still renew it and write: its recording is no other's to finish", async (context) => {
  const db = new URL(context.url).pathname.slice(1);
  // no heartbeat of its own to renew it meanwhile: the row says what the test needs
  await context.cluster.admin(db, `INSERT INTO replicas (id, advertise, lease_ms, lease_until) VALUES ('lapsed', 'http://d:1', 1000, now() - interval '1 minute')`);
  const late = new PgRecordings({ url: context.url, replica: 'lapsed', connectTimeoutMs: 1_000, statementTimeoutMs: 5_000 });
  try {
    const r = recorded(late, 'web-run1-8');
    r.say('still here\r\n');
    await waitFor(async () => (await played(context.b, 'web-run1-8'))?.text === r.text, 'its first line stored', 5_000);
    assert.not.ok((await context.b.leftovers()).includes('web-run1-8'));
    await context.cluster.admin(db, `UPDATE replicas SET ended = now() WHERE id = 'lapsed'`);
    assert.ok((await context.b.leftovers()).includes('web-run1-8'), 'ended (claimed), it is');
    await r.w.stop('ended');
  } finally {
    await late.close();
  }
});

test('a recording another replica finished takes no more chunks: its writer stops as failed (at its next write or its stop), saying why, and it plays as finished', async (context) => {
  const { a, b } = context;
  const stopped: string[] = [];
  const r = recorded(a, 'web-run1-9', stopped);
  r.say('before\r\n');
  const before = r.text;
  await waitFor(async () => (await played(b, 'web-run1-9'))?.text === before, 'the first line stored', 5_000);
  await b.finish('web-run1-9'); // as a replica that took this one for lost does
  r.say('after\r\n');
  await r.w.stop('ended'); // a store into it fails: its next write, or as here its stop, says so
  assert.is(r.w.stopped, 'failed');
  assert.equal(stopped, ['failed: the recording in the database could not be written (another replica finished this recording, taking this replica for lost; what was stored before that plays)']);
  assert.equal(await played(b, 'web-run1-9'), { text: before, gzipped: true });
  assert.equal(await rows(context, 'web-run1-9'), [{ state: 'finished', compressed: true, bytes: Buffer.byteLength(before), plain: 0 }]);
});

test('chunks written while a store is under way are stored after it, with no further write or datasync (an idle terminal\'s last output)', async (context) => {
  const sink = await context.a.open('web-run1-10', false);
  const lines = [HEADER_LINE, `${JSON.stringify([0, 'o', 'one'])}\n`, `${JSON.stringify([0, 'o', 'two'])}\n`].map((line) => Buffer.from(line));
  await sink.write(lines[0], 0, lines[0].length);
  await sink.datasync();
  await sink.write(lines[1], 0, lines[1].length);
  void sink.datasync(); // a store under way, of what is held now
  await sink.write(lines[2], 0, lines[2].length);
  await sink.datasync(); // meets the store under way
  await waitFor(async () => (await played(context.b, 'web-run1-10'))?.text === Buffer.concat(lines).toString(), 'the last line stored too', 5_000);
  await sink.close();
});

test('a database that hangs (a lock held), not refusing: the writer does not wait on it, and the recording stops at the bound held, not later', async (context) => {
  const hung = recordings(context.url, context.stores[0], { maxHeldBytes: 100_000, statementTimeoutMs: 60_000, closeTimeoutMs: 300 });
  const locker = testClient({ connectionString: context.url });
  await locker.connect();
  try {
    const stopped: string[] = [];
    const r = recorded(hung, 'web-run1-11', stopped);
    r.say('kept\r\n');
    const kept = r.text;
    await waitFor(async () => (await played(context.b, 'web-run1-11'))?.text === kept, 'the first line stored', 5_000);
    // every store of this recording now waits on the row's lock, for as long as it is held
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM recordings WHERE name = $1 FOR UPDATE', ['web-run1-11']);
    // each past the writer's buffer (written at once), each within the bound, together past it
    r.say('x'.repeat(70_000));
    const db = new URL(context.url).pathname.slice(1);
    await waitFor(async () => (await context.cluster.admin<{ n: number }>(db, 'SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted'))[0].n > 0, 'its store waiting on the lock', 5_000);
    r.say('x'.repeat(70_000));
    r.say('x'.repeat(70_000));
    await waitFor(() => r.w.stopped === 'failed', 'the recording stopped while the database hangs', 10_000);
    await locker.query('COMMIT');
    await r.w.closed;
    assert.match(stopped[0], /^failed: the recording in the database could not be written \(the database has not taken the last \d+ bytes/);
    assert.ok((await played(context.b, 'web-run1-11'))!.text.startsWith(kept));
  } finally {
    await locker.end();
    await hung.close();
  }
});

test('a recording that ends while the database does not answer counts only the bytes stored, not those it let go', async (context) => {
  const short = recordings(context.url, context.stores[0], { closeTimeoutMs: 300 });
  try {
    const r = recorded(short, 'web-run1-12');
    r.say('stored\r\n');
    const kept = r.text;
    await waitFor(async () => (await played(context.b, 'web-run1-12'))?.text === kept, 'the first line stored', 5_000);
    await context.cluster.stop();
    try {
      r.say('never stored\r\n');
      await r.w.stop('ended');
    } finally {
      await context.cluster.start();
    }
    assert.is(r.w.stopped, 'failed');
    assert.is(r.w.bytes, Buffer.byteLength(kept));
    assert.is((await rows(context, 'web-run1-12'))[0].bytes, Buffer.byteLength(kept));
  } finally {
    await short.close();
  }
});

test('downloads held open, however many, leave the writes their connections', async (context) => {
  const r = recorded(context.a, 'web-run1-13');
  r.say('first\r\n');
  await waitFor(async () => (await played(context.b, 'web-run1-13'))?.text === r.text, 'the first line stored', 5_000);
  // two reads hold their snapshots (as two downloads to clients that do not read), a third waits
  const held = [await context.a.read('web-run1-13', 1 << 20), await context.a.read('web-run1-13', 1 << 20)];
  const third = context.a.read('web-run1-13', 1 << 20).catch(() => undefined);
  try {
    r.say('second\r\n');
    await r.w.stop('ended');
    assert.is(r.w.stopped, 'ended', 'stored while the reads hold theirs');
  } finally {
    for (const cast of held) await cast?.close();
    await (await third)?.close();
  }
  assert.equal(await played(context.b, 'web-run1-13'), { text: r.text, gzipped: false });
});

test.run();

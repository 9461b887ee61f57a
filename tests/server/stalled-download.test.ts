// A download whose client stops reading (recording review 6 of issue 21): it is cut once it moves
// no byte for a while, and what it held is let go: for a recording in the database, its
// connection and its snapshot (a transaction left open would hold both for as long as the client
// likes), so the next download is served.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PgRecordings } from '../../src/recording/pg-recordings.ts';
import { sendUnlessStalled } from '../../src/server/stalled-download.ts';
import { PgStore } from '../../src/events/postgres/pg-store.ts';
import { startCluster } from '../support/postgres.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('a stalled download', { deadlineMs: 60_000 });

test('a client that stops reading is cut, and the recording read from the database lets its transaction and connection go', async () => {
  const cluster = await startCluster();
  const url = await cluster.createDatabase();
  const store = await PgStore.open({ url, advertise: 'http://a:1', connectTimeoutMs: 1_000 }); // the schema
  const storage = new PgRecordings({ url, replica: store.replica.id, maxHeldBytes: 64 << 20 });
  const db = new URL(url).pathname.slice(1);
  const inTransaction = async () => (await cluster.admin<{ n: number }>(db, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND xact_start IS NOT NULL`))[0].n;
  const served: string[] = [];
  const server = createServer(async (_req, res) => {
    const cast = (await storage.read('big-run1-1', 64 << 20))!;
    res.writeHead(200, { 'Content-Length': cast.bytes });
    try {
      await sendUnlessStalled(cast.text(), res, 300);
    } finally {
      await cast.close();
      served.push(res.writableFinished ? 'sent' : 'cut');
    }
  });
  try {
    // far more than the sockets' buffers take: a client that reads nothing stalls the stream
    const sink = await storage.open('big-run1-1', false);
    const lines = [`${JSON.stringify({ version: 2, width: 80, height: 24, timestamp: 1, command: 'sh', env: { TERM: 'x' } })}\n`];
    for (let i = 0; i < 16; i++) lines.push(`${JSON.stringify([i, 'o', 'x'.repeat(1 << 20)])}\n`);
    for (const line of lines) await sink.write(Buffer.from(line), 0, Buffer.byteLength(line));
    await sink.close();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // reads nothing of the body (cut before its first byte on a slow machine, it never sees the answer: as well)
    get({ port, host: '127.0.0.1' }, (stalled) => stalled.pause().on('error', () => {})).on('error', () => {});
    await waitFor(() => served.length === 1, 'the stalled download cut', 20_000);
    assert.equal(served, ['cut']);
    assert.is(await inTransaction(), 0, 'no transaction left open');
  } finally {
    server.closeAllConnections();
    server.close();
    await storage.close();
    await store.close(0);
    await cluster.remove();
  }
});

test.run();

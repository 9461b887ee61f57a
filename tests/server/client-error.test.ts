// A request node:http cannot read is answered with why before the connection is cut, as node
// answers when nobody listens for clientError: headers past the size the server takes are a 431
// (a proxy's or a browser's big cookies: the person sees why), bad syntax a 400. Before, the
// connection was cut with no answer at all.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { connect } from 'node:net';
import { call, startTestApp } from './support.ts';
import { withTimeout } from '../support/wait.ts';

const test = suite('requests the server cannot read', { deadlineMs: 30_000 });

/** What the server sends back for `raw` before the connection ends. */
async function answerTo(port: number, raw: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {});
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.write(raw);
  await withTimeout(closed, 10_000, 'the server to end the connection');
  return Buffer.concat(chunks).toString('latin1');
}

test('headers past the limit: 431 with a sentence; bad syntax: 400; the server answers the next request', async () => {
  const app = await startTestApp();
  try {
    const big = await answerTo(app.port, `GET /api/v1/info HTTP/1.1\r\nHost: ${app.host}\r\nCookie: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    assert.match(big, /^HTTP\/1\.1 431 /);
    assert.match(big, /headers are larger than this server takes/);
    const garbled = await answerTo(app.port, 'NOT HTTP AT ALL\r\n\r\n');
    assert.match(garbled, /^HTTP\/1\.1 400 /);
    assert.is((await call(app, '/api/v1/info')).status, 200);
  } finally {
    await app.close();
  }
});

test.run();

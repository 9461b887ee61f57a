// A request node:http cannot read is answered with why before the connection is cut, as node
// answers when nobody listens for clientError: headers past the size the server takes are a 431
// (a proxy's or a browser's big cookies: the person sees why), bad syntax a 400. Before, the
// connection was cut with no answer at all.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { call, startTestApp } from './support.ts';
import { rawExchange } from '../support/raw-http.ts';

const test = suite('requests the server cannot read', { deadlineMs: 30_000 });

test('headers past the limit: 431 with a sentence; bad syntax: 400; the server answers the next request', async () => {
  const app = await startTestApp();
  try {
    const big = await rawExchange(app.port, `GET /api/v1/info HTTP/1.1\r\nHost: ${app.host}\r\nCookie: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    assert.match(big, /^HTTP\/1\.1 431 /);
    assert.match(big, /headers are larger than this server takes/);
    const garbled = await rawExchange(app.port, 'NOT HTTP AT ALL\r\n\r\n');
    assert.match(garbled, /^HTTP\/1\.1 400 /);
    assert.is((await call(app, '/api/v1/info')).status, 200);
  } finally {
    await app.close();
  }
});

test.run();

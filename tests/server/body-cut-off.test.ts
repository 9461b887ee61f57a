// A client that goes away in the middle of its JSON body (a tab closed, a network cut) made a bad
// request, not the server: readJson said nothing of it, and the route's caller logged "internal
// error on POST /api/v1/exec: aborted" for every such client, an operator's alarm for nothing.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { readJson } from '../../src/server/read-json.ts';
import { HttpError } from '../../src/server/replies.ts';
import { startTestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('a JSON body cut off', { deadlineMs: 60_000 });

function request(): PassThrough & IncomingMessage {
  return Object.assign(new PassThrough(), { headers: { 'content-type': 'application/json' } }) as unknown as PassThrough & IncomingMessage;
}

test('a body whose stream fails midway is the client\'s error (400), not an internal one', async () => {
  const req = request();
  const reading = readJson(req);
  req.write('{"namespace": "def');
  req.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
  const error = await reading.then(() => undefined, (e: unknown) => e);
  assert.instance(error, HttpError);
  assert.is((error as HttpError).status, 400);
  assert.match((error as HttpError).message, /cut off/);
});

test('the server logs no internal error when a client leaves during its body, and still answers the next', async () => {
  const warnings: string[] = [];
  const app = await startTestApp({ warn: (m) => warnings.push(m) });
  try {
    const socket = connect(app.port, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST /api/v1/exec HTTP/1.1\r\nHost: ${app.host}\r\nAuthorization: Bearer ${app.token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"namespace": "def`);
    // the request reached the server (it is one of its connections) before the client leaves
    await waitFor(async () => (await new Promise<number>((resolve) => app.server.getConnections((_e, n) => resolve(n)))) === 1, 'the request connected');
    socket.destroy();
    await waitFor(async () => (await new Promise<number>((resolve) => app.server.getConnections((_e, n) => resolve(n)))) === 0, 'the server saw the client leave');
    // readJson's failure is handled in the same turn as the socket's close, or the next few: an exec after it is answered, in order
    const res = await fetch(`http://127.0.0.1:${app.port}/api/v1/sessions`, { headers: { Authorization: `Bearer ${app.token}` } });
    assert.is(res.status, 200);
    assert.equal(warnings.filter((w) => w.includes('internal error')), []);
  } finally {
    await app.close();
  }
});

test.run();

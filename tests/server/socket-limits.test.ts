// How many sockets one caller may hold open at once (hub option maxSocketsPerPerson): each may hold
// a replay and a screen of every terminal it shows, so without a bound one caller (or one share
// link's holder, opening socket after socket with its cookie) could grow the server's memory and
// CPU at will. Past the bound a new socket is closed with 1013 (try again later) and a sentence;
// once one of the caller's closes, a new one gets in. A local share link's browser counts apart,
// at a quarter of the bound.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { WebSocket } from 'ws';
import { StreamClient, call, openExec, startTestApp, type TestApp } from './support.ts';
import { withTimeout } from '../support/wait.ts';

const test = suite('sockets per caller', { deadlineMs: 60_000 });

/** A socket with `headers`: its hello, or how it was closed before one came. */
async function tryOpen(app: TestApp, headers: Record<string, string>, query = ''): Promise<{ hello: true } | { code: number; reason: string }> {
  const ws = new WebSocket(`ws://127.0.0.1:${app.port}/api/v1/stream${query}`, { headers: { ...headers, Host: app.host }, origin: app.origin });
  ws.on('error', () => {});
  const answer = new Promise<{ hello: true } | { code: number; reason: string }>((resolve) => {
    ws.on('message', (data, binary) => {
      if (!binary && JSON.parse(String(data)).type === 'hello') resolve({ hello: true });
    });
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  const got = await withTimeout(answer, 10_000, 'a hello or a close');
  ws.close();
  return got;
}

test('past the bound a new socket is closed with 1013 and why; one closed makes room', async () => {
  const app = await startTestApp({ hub: { maxSocketsPerPerson: 3 } });
  try {
    const token = { Authorization: `Bearer ${app.token}` };
    const open = [await StreamClient.open(app), await StreamClient.open(app), await StreamClient.open(app)];
    const refused = await tryOpen(app, token);
    assert.equal(refused, { code: 1013, reason: 'You have 3 octant-exec pages open, the most at once: close some.' });
    await open.pop()!.close();
    assert.equal(await tryOpen(app, token), { hello: true });
    for (const client of open) await client.close();
  } finally {
    await app.close();
  }
});

test("a share link's browser counts apart, at a quarter of the bound", async () => {
  const app = await startTestApp({ hub: { maxSocketsPerPerson: 8 } });
  try {
    const [terminal] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
    const made = await call(app, `/api/v1/sessions/${terminal}/shares`, { body: { role: 'viewer' } });
    const fragment = new URLSearchParams(/^\/share#(.*)$/.exec(made.json.link)![1]);
    const claimed = await call(app, '/api/v1/share-session', { token: null, body: { id: fragment.get('id'), secret: fragment.get('s') } });
    assert.is(claimed.status, 200, claimed.body);
    const cookie = { Cookie: String(claimed.headers['set-cookie']).split(';')[0] };
    const owners = [await StreamClient.open(app), await StreamClient.open(app), await StreamClient.open(app)];
    const links = [await StreamClient.open(app, { as: { headers: cookie } }), await StreamClient.open(app, { as: { headers: cookie } })];
    assert.equal(await tryOpen(app, cookie), { code: 1013, reason: 'You have 2 octant-exec pages open, the most at once: close some.' }, "the link's third socket is refused");
    assert.equal(await tryOpen(app, { Authorization: `Bearer ${app.token}` }), { hello: true }, "the owner's fourth is not: counted apart");
    for (const client of [...owners, ...links]) await client.close();
  } finally {
    await app.close();
  }
});

test.run();

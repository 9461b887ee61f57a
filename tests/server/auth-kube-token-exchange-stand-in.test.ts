// The command line's token exchange (POST /auth/sign-in with Authorization: Bearer) against a
// stand-in TokenReview and a virtual clock: the session's cookie by the name a browser gets
// (__Host- over https), capped by a JWT's exp as the form's is; one budget of attempts shared with
// the form, either way round; the cluster unreachable and a full server as JSON with Retry-After;
// and a body is never read.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { connect } from 'node:net';
import { TokenReviewFailed } from '../../src/adapters/kubernetes/token-review.ts';
import { jwt, kubeToken } from './kube-token-stand-in.ts';

test('over https the cookie is the __Host- one a browser gets, and it is a session', async () => {
  const kt = await kubeToken({ secure: true });
  try {
    const answer = await kt.exchange('alice');
    assert.is(answer.status, 200, answer.body);
    assert.match(answer.json.cookie, /^__Host-octant_exec_session=[A-Za-z0-9_-]{43}$/);
    assert.equal(answer.cookies, [], 'no Set-Cookie: a command line keeps the body');
    assert.is(await kt.who(answer.json.cookie), 'alice');
    assert.is(await kt.who(answer.json.cookie.replace(/^__Host-/, '')), undefined, 'only the __Host- name is read over https');
  } finally {
    await kt.close();
  }
});

test("a JWT's exp caps expiresAt and the session as it does the form's; otherwise 8 hours", async () => {
  const kt = await kubeToken();
  try {
    const now = kt.clock.now();
    const short = await kt.exchange(jwt({ sub: 'x', exp: now / 1000 + 600 }));
    assert.is(short.status, 200, short.body);
    assert.is(short.json.expiresAt, new Date(now + 600_000).toISOString());
    assert.is((await kt.exchange('opaque-token')).json.expiresAt, new Date(now + 8 * 3600_000).toISOString());
    kt.clock.advanceBy(600_000);
    assert.is(await kt.who(short.json.cookie), undefined, 'ended when the token did');
    const stale = await kt.exchange(jwt({ sub: 'x', exp: kt.clock.now() / 1000 }));
    assert.is(stale.status, 401);
    assert.is(stale.json.error.message, 'This token expires now: get a fresh one and run `octant-exec sign-in` again.');
  } finally {
    await kt.close();
  }
});

test('a flood of exchanges from one address limits the form from it too (429, Retry-After), and another address not', async () => {
  const kt = await kubeToken();
  try {
    const from = '127.0.0.4';
    for (let i = 0; i < 20; i++) assert.is((await kt.exchange('not a token', from)).status, 400);
    const limited = await kt.exchange('alice', from);
    assert.is(limited.status, 429, limited.body);
    assert.is(limited.headers['retry-after'], '1');
    assert.is(limited.json.error.message, 'Too many sign-in attempts from your address: wait a few seconds and try again.');
    const form = await kt.signIn('alice', from);
    assert.is(form.answer.status, 429, 'the form shares the budget');
    assert.match(form.answer.body, /Too many sign-in attempts from your address/);
    assert.is((await kt.exchange('alice', '127.0.0.5')).status, 200);
  } finally {
    await kt.close();
  }
});

test('a flood through the form limits the exchange from that address', async () => {
  const kt = await kubeToken();
  try {
    const from = '127.0.0.4';
    for (let i = 0; i < 20; i++) assert.is((await kt.signIn('not a token', from)).answer.status, 400);
    const limited = await kt.exchange('alice', from);
    assert.is(limited.status, 429, limited.body);
  } finally {
    await kt.close();
  }
});

test('the cluster unable to check tokens is 502, a full server 503 with Retry-After: JSON, with the sentences of the form', async () => {
  const down = await kubeToken({ review: async () => Promise.reject(new TokenReviewFailed(403, 'tokenreviews is forbidden')) });
  const full = await kubeToken({ maxSessions: 1 });
  try {
    const unreachable = await down.exchange('alice');
    assert.is(unreachable.status, 502);
    assert.match(unreachable.json.error.message, /^The cluster could not check the token: this server's own identity may not create tokenreviews/);
    assert.ok(down.warnings.some((w) => w.endsWith('tokenreviews is forbidden (a token exchange, from the command line)')), down.warnings.join('\n'));
    assert.is((await full.exchange('alice')).status, 200);
    const refused = await full.exchange('bob');
    assert.is(refused.status, 503, refused.body);
    assert.is(refused.headers['retry-after'], '60');
    assert.match(refused.json.error.message, /as many people signed in as it can hold/);
  } finally {
    await down.close();
    await full.close();
  }
});

test('a body is never read: the answer comes with Connection: close, and the connection ends', async () => {
  const kt = await kubeToken();
  try {
    const socket = connect(kt.server.port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk) => (text += chunk));
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    // a body of a gigabyte announced, a little of it sent: the answer does not wait for the rest
    socket.write(`POST /auth/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer alice\r\nContent-Length: 1000000000\r\n\r\n${'x'.repeat(1000)}`);
    await ended;
    assert.match(text, /^HTTP\/1\.1 200 /);
    assert.match(text, /\r\nconnection: close\r\n/i);
    assert.match(text, /"user":"alice"/);
  } finally {
    await kt.close();
  }
});

test.run();

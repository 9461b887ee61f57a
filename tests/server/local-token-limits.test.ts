// Local mode's wrong tokens are limited per peer address under a ceiling for everyone
// (src/server/auth/local-auth.ts): a flood of wrong tokens, as a bearer on API calls and socket
// upgrades or posted for the cookie, is answered 429 with Retry-After and a sentence, while the
// right token is let in all the same and another address is not held by the first one's flood.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { LocalAuthenticator, WRONG_TOKENS_IN_ALL, WRONG_TOKENS_PER_PEER } from '../../src/server/auth/local-auth.ts';
import { FrontDoor } from '../../src/server/security.ts';
import { SHARE_COOKIE } from '../../src/server/shares/share-links.ts';
import { send, upgrade, type Answer } from './auth-support.ts';
import { startTestApp, type TestApp } from './support.ts';

/** every connection of the tests comes from 127.0.0.1 unless it says another (any 127.x works on Linux) */
const FLOODER = '127.0.0.3';
const OTHER = '127.0.0.4';
const WRONG = 'x'.repeat(43);
/** far more than a burst: whatever the clock did meanwhile, the flood passes the limit */
const FLOOD = 200;

let app: TestApp;
test.before(async () => {
  app = await startTestApp();
});
test.after(async () => {
  await app?.close();
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const sessions = (token: string, from: string) => send(app.port, '/api/v1/sessions', { from, headers: bearer(token) });
const signIn = (token: string, from: string) => send(app.port, '/api/v1/session', { from, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) });

/** Sends wrong tokens until one is answered 429, and returns that answer: every one before it a 401. */
async function floodUntilRefused(wrong: () => Promise<Answer>): Promise<Answer> {
  for (let i = 0; i < FLOOD; i++) {
    const answer = await wrong();
    if (answer.status === 429) return answer;
    assert.is(answer.status, 401, answer.body);
  }
  throw new Error(`${FLOOD} wrong tokens, and none was refused as too many`);
}

function assertTooMany(answer: Answer, whose: RegExp): void {
  assert.is(answer.status, 429, answer.body);
  assert.is(answer.headers['retry-after'], '1');
  assert.is(answer.headers['www-authenticate'], 'Bearer', 'the page keeps offering its token field');
  assert.match(answer.json.error.message, whose);
  assert.match(answer.json.error.message, /open the URL octant-exec printed last/);
}

test('wrong bearer tokens from one address get 429 with Retry-After; the right token still works from it; another address gets its 401', async () => {
  assertTooMany(await floodUntilRefused(() => sessions(WRONG, FLOODER)), /from your address/);
  assert.is((await sessions(WRONG, FLOODER)).status, 429, 'still limited');
  const withShare = await send(app.port, '/api/v1/sessions', { from: FLOODER, headers: { ...bearer(WRONG), Cookie: `${SHARE_COOKIE}s1=abc` } });
  assert.is(withShare.status, 429, "a share link's cookie riding along changes nothing (not its 401, with the flood's Retry-After)");
  assert.is((await sessions(app.token, FLOODER)).status, 200, 'the right token is let in whatever the flood');
  assert.is((await upgrade(app.port, bearer(app.token), { from: FLOODER })).status, 101, 'its socket too');
  assert.is((await sessions(WRONG, OTHER)).status, 401, 'another address is not held by the first one');
  assert.is((await sessions(app.token, OTHER)).status, 200);
});

test('wrong tokens posted for the cookie, and on socket upgrades, count as well; the right one still gets its cookie', async () => {
  const from = '127.0.0.5';
  assertTooMany(await floodUntilRefused(() => signIn(WRONG, from)), /from your address/);
  const upgraded = await upgrade(app.port, bearer(WRONG), { from });
  assert.is(upgraded.status, 429, upgraded.body);
  assert.match(JSON.parse(upgraded.body).error.message, /Too many wrong tokens came from your address/);
  const right = await signIn(app.token, from);
  assert.is(right.status, 200, right.body);
  assert.is(right.cookies.length, 1, 'the session cookie');
});

test('a socket upgrade refused as too many says Retry-After', async () => {
  const from = '127.0.0.6';
  await floodUntilRefused(() => sessions(WRONG, from));
  const answer = await new Promise<string>((resolve) => {
    const lines = ['GET /api/v1/stream HTTP/1.1', `Host: ${app.host}`, `Origin: ${app.origin}`, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', `Authorization: Bearer ${WRONG}`];
    const socket = connect({ port: app.port, host: '127.0.0.1', localAddress: from }, () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
    let text = '';
    socket.on('data', (chunk) => (text += chunk));
    socket.on('close', () => resolve(text));
    socket.on('error', () => {});
  });
  assert.match(answer, /^HTTP\/1\.1 429 Too Many Requests\r\n/);
  assert.match(answer, /\r\nRetry-After: 1\r\n/);
  assert.match(answer, /\r\nWWW-Authenticate: Bearer\r\n/);
});

test('a missing token is not counted: no flood of them turns into a 429', async () => {
  const from = '127.0.0.7';
  for (let i = 0; i < WRONG_TOKENS_PER_PEER.burst * 3; i++) assert.is((await send(app.port, '/api/v1/sessions', { from })).status, 401);
  assert.is((await sessions(WRONG, from)).status, 401, 'its first wrong token is still a plain 401');
});

/** A request as the authenticator sees it: from `address`, with `token` as its bearer. */
const request = (address: string, token: string) => ({ url: '/api/v1/sessions', headers: { authorization: `Bearer ${token}` }, socket: { remoteAddress: address } }) as unknown as IncomingMessage;
const statusOf = (verdict: ReturnType<LocalAuthenticator['identify']>) => ('caller' in verdict ? 200 : verdict.refused.status);

test('the ceiling: wrong tokens from many addresses together get 429, and the right token is let in from any of them', () => {
  const door = new FrontDoor({ token: 'the-token', port: 1 });
  const auth = new LocalAuthenticator(door, () => 0); // the clock stands still: nothing comes back
  const addresses = Array.from({ length: Math.ceil(WRONG_TOKENS_IN_ALL.burst / WRONG_TOKENS_PER_PEER.burst) + 1 }, (_, i) => `198.51.100.${i + 1}`);
  const statuses = addresses.flatMap((address) => Array.from({ length: WRONG_TOKENS_PER_PEER.burst }, () => statusOf(auth.identify(request(address, 'wrong')))));
  assert.is(statuses.filter((status) => status === 401).length, WRONG_TOKENS_IN_ALL.burst, 'as many wrong tokens as the ceiling allows');
  const over = auth.identify(request('203.0.113.1', 'wrong'));
  assert.ok('refused' in over && over.refused.status === 429, 'a new address, over the ceiling');
  assert.match('refused' in over ? over.refused.message : '', /Too many wrong tokens were tried just now/);
  for (const address of [...addresses, '203.0.113.1']) assert.is(statusOf(auth.identify(request(address, 'the-token'))), 200, address);
});

test.run();

// The command line's sign-in through the browser on a virtual clock, around kube-token
// authenticators with a stand-in TokenReview: a code lasts 2 minutes; the command line's session
// ends when the browser's does, however late it was allowed; a flood of trades from one address is
// limited (429) and not the others; a full server is 503; replicas sharing a session key take each
// other's codes, and an admin's sign-out of the person on one refuses a code made before it on another,
// and ends a session traded on another before it reached there (it counts as made when the browser's was).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { KubeTokenAuthenticator } from '../../src/server/auth/kube-token-auth.ts';
import { MemoryRevocations } from '../../src/server/auth/revocations.ts';
import { SESSION_MS, SessionStore, type Sessions } from '../../src/server/auth/sessions.ts';
import { SignedSessions } from '../../src/server/auth/signed-sessions.ts';
import { FrontDoor } from '../../src/server/security.ts';
import { Jar, around, formOf, send } from './auth-support.ts';
import { FORM } from './team-sign-in.ts';
import { allow, codeOf, pkce, trade } from './command-line-support.ts';

const AGAIN = 'run `octant-exec sign-in --browser` again.';

/** A kube-token server whose tokens are their users' names. */
async function server(clock: VirtualClock, options: { sessions?: Sessions; sessionKey?: Uint8Array } = {}) {
  const auth = new KubeTokenAuthenticator({ door: new FrontDoor({ token: 't', port: 1 }), adminGroups: new Set(), secure: false, review: async (token) => ({ authenticated: true, username: token, groups: ['dev'] }), warn: () => {}, clock, ...options });
  const http = await around(auth);
  const signIn = async (user: string): Promise<Jar> => {
    const jar = new Jar();
    const page = await send(http.port, '/auth/sign-in');
    jar.take(page.cookies);
    const answer = await send(http.port, '/auth/sign-in', { body: new URLSearchParams({ ...formOf(page.body).fields, token: user }).toString(), headers: { ...FORM, Cookie: jar.header() } });
    assert.is(answer.status, 303, answer.body);
    return jar.take(answer.cookies);
  };
  const who = async (cookie: string) => (await send(http.port, '/', { headers: { Cookie: cookie } })).json.person?.user;
  return { auth, port: http.port, signIn, who, close: async () => (auth.close(), await http.close()) };
}

test('a code lasts 2 minutes', async () => {
  const clock = new VirtualClock(1_000_000);
  const s = await server(clock);
  try {
    const { verifier, challenge } = pkce();
    const code = codeOf((await allow(s, await s.signIn('alice'), challenge)).answer);
    clock.advanceBy(120_000);
    const late = await trade(s.port, { code, verifier });
    assert.equal([late.status, late.json.error.message], [400, `This code has expired (it lasts 2 minutes): ${AGAIN}`]);
  } finally {
    await s.close();
  }
});

test("the command line's session ends with the browser's, however late it was allowed", async () => {
  const clock = new VirtualClock(1_000_000);
  const s = await server(clock);
  try {
    const jar = await s.signIn('alice');
    const browserEnds = clock.now() + SESSION_MS;
    clock.advanceBy(SESSION_MS - 60_000);
    const { verifier, challenge } = pkce();
    const traded = await trade(s.port, { code: codeOf((await allow(s, jar, challenge)).answer), verifier });
    assert.is(traded.status, 200, traded.body);
    assert.is(traded.json.expiresAt, new Date(browserEnds).toISOString());
    assert.is(await s.who(traded.json.cookie), 'alice');
    clock.advanceBy(60_000);
    assert.is(await s.who(traded.json.cookie), undefined);
    assert.is(await s.who(jar.header()), undefined);
  } finally {
    await s.close();
  }
});

test('a flood of trades from one address: 429 with Retry-After, saying to wait; another address goes on', async () => {
  const clock = new VirtualClock(1_000_000);
  const s = await server(clock);
  try {
    const from = '127.0.0.4';
    for (let i = 0; i < 30; i++) assert.is((await trade(s.port, { code: 'x', verifier: 'y' }, {}, from)).status, 400);
    const limited = await trade(s.port, { code: 'x', verifier: 'y' }, {}, from);
    assert.equal([limited.status, limited.headers['retry-after'], limited.json.error.message], [429, '1', `Too many sign-ins from your address: wait a few seconds, then ${AGAIN}`]);
    const { verifier, challenge } = pkce();
    assert.is((await trade(s.port, { code: codeOf((await allow(s, await s.signIn('alice'), challenge)).answer), verifier }, {}, '127.0.0.5')).status, 200);
  } finally {
    await s.close();
  }
});

test('a server with as many sessions as it holds: 503 with Retry-After', async () => {
  const clock = new VirtualClock(1_000_000);
  const s = await server(clock, { sessions: new SessionStore(clock, 1) });
  try {
    const { verifier, challenge } = pkce();
    const full = await trade(s.port, { code: codeOf((await allow(s, await s.signIn('alice'), challenge)).answer), verifier });
    assert.equal([full.status, full.headers['retry-after']], [503, '60']);
    assert.match(full.json.error.message, /^This server has as many people signed in as it can hold/);
  } finally {
    await s.close();
  }
});

test("replicas with one session key: the page of one posted to another, its code traded back at the first; an admin's sign-out on one refuses a code made before it", async () => {
  const clock = new VirtualClock(1_000_000);
  const key = randomBytes(32);
  const revocations = new MemoryRevocations(() => clock.now()); // stands for the store the replicas share
  const replica = () => server(clock, { sessionKey: key, sessions: new SignedSessions(key, 'kube-token', { clock, revocations }) });
  const [a, b] = [await replica(), await replica()];
  try {
    const jar = await a.signIn('alice');
    const { verifier, challenge } = pkce();
    const page = await send(a.port, `/auth/command-line?port=43210&challenge=${challenge}`, { headers: { Cookie: jar.header() } });
    jar.take(page.cookies);
    // the page from a, its form posted to b
    const posted = await send(b.port, '/auth/command-line', { body: new URLSearchParams(formOf(page.body).fields).toString(), headers: { ...FORM, Cookie: jar.header() } });
    const code = codeOf(posted);
    const traded = await trade(a.port, { code, verifier });
    assert.is(traded.status, 200, traded.body);
    assert.is(await a.who(traded.json.cookie), 'alice');
    const second = pkce();
    const before = codeOf((await allow(a, jar, second.challenge)).answer);
    clock.advanceBy(1);
    a.auth.signOutPerson('alice');
    const refused = await trade(b.port, { code: before, verifier: second.verifier });
    assert.is(refused.status, 403, refused.body);
    assert.is(await a.who(traded.json.cookie), undefined, "the command line's session made before it ends too");
  } finally {
    await a.close();
    await b.close();
  }
});

test("in memory: an admin's sign-out refuses a code made before it, not one made after", async () => {
  const clock = new VirtualClock(1_000_000);
  const s = await server(clock);
  try {
    const { verifier, challenge } = pkce();
    const code = codeOf((await allow(s, await s.signIn('alice'), challenge)).answer);
    clock.advanceBy(1);
    s.auth.signOutPerson('alice');
    assert.is((await trade(s.port, { code, verifier })).status, 403);
    clock.advanceBy(1);
    const again = pkce();
    assert.is((await trade(s.port, { code: codeOf((await allow(s, await s.signIn('alice'), again.challenge)).answer), verifier: again.verifier })).status, 200);
  } finally {
    await s.close();
  }
});

test("an admin's sign-out of the person reaching a replica late ends the command line's session traded there meanwhile", async () => {
  const clock = new VirtualClock(1_000_000);
  const key = randomBytes(32);
  const [ra, rb] = [new MemoryRevocations(() => clock.now()), new MemoryRevocations(() => clock.now())];
  const a = await server(clock, { sessionKey: key, sessions: new SignedSessions(key, 'kube-token', { clock, revocations: ra }) });
  const b = await server(clock, { sessionKey: key, sessions: new SignedSessions(key, 'kube-token', { clock, revocations: rb }) });
  try {
    const jar = await a.signIn('alice');
    const { verifier, challenge } = pkce();
    const code = codeOf((await allow(a, jar, challenge)).answer);
    clock.advanceBy(1);
    const at = clock.now();
    a.auth.signOutPerson('alice');
    clock.advanceBy(200); // before the sign-out has reached b
    const traded = await trade(b.port, { code, verifier });
    assert.is(traded.status, 200, traded.body);
    assert.is(await b.who(traded.json.cookie), 'alice', 'b has not heard yet');
    rb.revokePerson('alice', at); // now it has
    assert.is(await b.who(traded.json.cookie), undefined, "the command line's session ends at b");
    assert.is(await a.who(traded.json.cookie), undefined, 'and at a');
    assert.is(await b.who(jar.header()), undefined, "as the browser's does");
  } finally {
    await a.close();
    await b.close();
  }
});

test.run();

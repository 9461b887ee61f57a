// kube-token's sign-in against a stand-in TokenReview: what the cluster accepts is not all a
// session is made for. A full store makes room from whoever holds the most sessions, and refuses
// the newcomer only when nobody holds more than one, rather than end someone else's only session;
// a service account's token (or any system: user) is refused at the form; a JWT that ends sooner
// than 8 hours ends its session then; each sign-in is one log line without the token; the form's
// cookie is a __Host- one over https.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { SESSION_MS } from '../../src/server/auth/sessions.ts';
import { escapeHtml } from '../../src/server/auth/auth-pages.ts';
import { formOf, send } from './auth-support.ts';
import { jwt, kubeToken } from './kube-token-stand-in.ts';

test("a full store refuses the new sign-in (503, a sentence, Retry-After) and ends nobody else's session", async () => {
  const kt = await kubeToken({ maxSessions: 3 });
  try {
    const alice = await kt.signIn('alice');
    assert.is(alice.answer.status, 303, alice.answer.body);
    for (const user of ['bob', 'carol']) assert.is((await kt.signIn(user)).answer.status, 303);
    const dave = await kt.signIn('dave');
    assert.is(dave.answer.status, 503, dave.answer.body);
    assert.is(dave.answer.headers['retry-after'], '60');
    assert.match(dave.answer.body, /as many people signed in as it can hold: try again in a few minutes/);
    assert.is(dave.jar.get('octant_exec_session'), undefined);
    assert.is(await kt.who(alice.jar.header()), 'alice', "alice's session is still hers");
    assert.equal(kt.ended, [], 'nobody was signed out to make room');
    kt.clock.advanceBy(SESSION_MS);
    assert.is((await kt.signIn('dave')).answer.status, 303, 'once sessions end, there is room again');
  } finally {
    await kt.close();
  }
});

test("a full store ends the oldest session of whoever holds the most: identities signing in again and again cannot keep others out", async () => {
  const kt = await kubeToken({ maxSessions: 4 });
  try {
    const bob = await kt.signIn('bob');
    for (const user of ['mallory-1', 'mallory-1', 'mallory-2']) assert.is((await kt.signIn(user)).answer.status, 303);
    const alice = await kt.signIn('alice');
    assert.is(alice.answer.status, 303, alice.answer.body);
    assert.equal(kt.ended.map((caller) => caller.person?.user), ['mallory-1']);
    assert.is(await kt.who(bob.jar.header()), 'bob');
    assert.is(await kt.who(alice.jar.header()), 'alice');
    assert.is((await kt.signIn('dave')).answer.status, 503, 'one session each now: the newcomer waits');
  } finally {
    await kt.close();
  }
});

test("a service account's token, or any system: user's, is refused at sign-in with a sentence and a log line", async () => {
  const kt = await kubeToken();
  try {
    for (const [user, whose] of [['system:serviceaccount:ci:deployer', "a service account's"], ['system:kube-scheduler', "a Kubernetes component's"]]) {
      const { answer, jar } = await kt.signIn(user);
      assert.is(answer.status, 403, user);
      assert.ok(answer.body.includes(escapeHtml(`This token is ${whose}, not a person's: octant-exec acts only for people.`)), answer.body);
      assert.is(jar.get('octant_exec_session'), undefined);
      assert.ok(kt.warnings.includes(`kube-token sign-in refused: the token is ${whose} (user ${JSON.stringify(user)}), from 127.0.0.1`), kt.warnings.join('\n'));
    }
  } finally {
    await kt.close();
  }
});

test("a JWT that expires before 8 hours are up ends its session then; one without exp, or another kind of token, gets the 8 hours", async () => {
  const kt = await kubeToken();
  try {
    const now = kt.clock.now() / 1000;
    const short = await kt.signIn(jwt({ sub: 'x', exp: now + 600 }));
    assert.is(short.answer.status, 303, short.answer.body);
    assert.match(short.answer.cookies.join('\n'), /octant_exec_session=[^;]+; HttpOnly; SameSite=Strict; Path=\/; Max-Age=600/);
    assert.match((await kt.signIn(jwt({ sub: 'x', exp: now + 10 * 3600 }))).answer.cookies.join('\n'), /Max-Age=28800/, 'a longer token: still 8 hours at most');
    assert.match((await kt.signIn(jwt({ sub: 'x' }))).answer.cookies.join('\n'), /Max-Age=28800/);
    assert.match((await kt.signIn('opaque-token')).answer.cookies.join('\n'), /Max-Age=28800/);
    assert.match((await kt.signIn('not.a-json.payload')).answer.cookies.join('\n'), /Max-Age=28800/);
    kt.clock.advanceBy(600_000 - 1);
    assert.is(await kt.who(short.jar.header()), 'jwt-user');
    assert.is(kt.ended.length, 0);
    kt.clock.advanceBy(1);
    assert.is(kt.ended.length, 1, 'ended when the token did');
    assert.is((await send(kt.server.port, '/', { headers: { Cookie: short.jar.header() } })).status, 401);
    const stale = await kt.signIn(jwt({ sub: 'x', exp: kt.clock.now() / 1000 }));
    assert.is(stale.answer.status, 401, 'a token at its very end opens no session');
    assert.match(stale.answer.body, /This token expires now/);
  } finally {
    await kt.close();
  }
});

test('a sign-in is logged: who, the mode, the peer, never the token', async () => {
  const kt = await kubeToken();
  try {
    const token = jwt({ sub: 'x', exp: kt.clock.now() / 1000 + 3600 });
    assert.is((await kt.signIn(token)).answer.status, 303);
    assert.is((await kt.signIn('alice')).answer.status, 303);
    assert.equal(kt.warnings, ['kube-token sign-in: "jwt-user" signed in from 127.0.0.1', 'kube-token sign-in: "alice" signed in from 127.0.0.1']);
    assert.not.ok(kt.warnings.some((w) => w.includes(token.split('.')[1])));
  } finally {
    await kt.close();
  }
});

test('the form cookie: __Host-octant_exec_form at Path=/ over https (only that name read), octant_exec_form at /auth/sign-in over http', async () => {
  const secure = await kubeToken({ secure: true });
  const plain = await kubeToken();
  try {
    const signedIn = await secure.signIn('alice');
    assert.match(signedIn.page.cookies[0], /^__Host-octant_exec_form=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=3600; Secure$/);
    assert.is(signedIn.answer.status, 303, signedIn.answer.body);
    assert.match(signedIn.answer.cookies.join('\n'), /^__Host-octant_exec_form=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0; Secure$/m, 'dropped once used');
    // the same pair under the unprefixed name, as a sibling subdomain could plant it: not read
    const page = await send(secure.server.port, '/auth/sign-in');
    const unprefixed = page.cookies[0].split(';')[0].replace(/^__Host-/, '');
    const planted = await send(secure.server.port, '/auth/sign-in', { body: new URLSearchParams({ ...formOf(page.body).fields, token: 'alice' }).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: unprefixed } });
    assert.is(planted.status, 403);
    const over = await plain.signIn('alice');
    assert.match(over.page.cookies[0], /^octant_exec_form=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/auth\/sign-in; Max-Age=3600$/);
    assert.is(over.answer.status, 303);
  } finally {
    await secure.close();
    await plain.close();
  }
});

test.run();

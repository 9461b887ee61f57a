// --auth kube-token from the command line, end to end against the sandbox: `octant-exec sign-in`
// sends the person's token once, as `Authorization: Bearer`, to POST /auth/sign-in, and gets the
// session's cookie in JSON; that cookie is then a session as a browser's is (the API, the socket,
// sign-out). Refusals are JSON with the form's sentences in the command line's words, never a
// Bearer challenge, never the token; the form works on beside it.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Buffer } from 'node:buffer';
import { startTestApp } from './support.ts';
import { formOf, send, upgrade } from './auth-support.ts';
import { FORM, kubeTokenSignIn } from './team-sign-in.ts';

const warnings: string[] = [];
const app = await startTestApp({ auth: { mode: 'kube-token' }, adminGroups: ['octant-admins'], warn: (m) => warnings.push(m) });
test.after(() => app.close());
const { alice, carol } = app.sandbox!.users;

/** What `octant-exec sign-in` sends: the token in an Authorization header, no body, no Origin. */
const exchange = (token: string, headers: Record<string, string> = {}) => send(app.port, '/auth/sign-in', { method: 'POST', headers: { Authorization: `Bearer ${token}`, ...headers } });
const info = (cookie: string) => send(app.port, '/api/v1/info', { headers: { Cookie: cookie } });

test("alice's token: 200 with the session cookie, whom it is for and until when; the cookie works on the API and the socket", async () => {
  const before = warnings.length;
  const answer = await exchange(alice.token);
  assert.is(answer.status, 200, answer.body);
  assert.match(String(answer.headers['content-type']), /^application\/json/);
  assert.is(answer.headers['cache-control'], 'no-store');
  assert.equal(Object.keys(answer.json), ['cookie', 'user', 'groups', 'admin', 'expiresAt']);
  assert.match(answer.json.cookie, /^octant_exec_session=[A-Za-z0-9_-]{43}$/);
  assert.equal([answer.json.user, answer.json.groups, answer.json.admin], ['alice', ['dev', 'system:authenticated'], false]);
  assert.is(new Date(answer.json.expiresAt).toISOString(), answer.json.expiresAt);
  assert.equal(answer.cookies, []);
  const me = await info(answer.json.cookie);
  assert.is(me.status, 200, me.body);
  assert.equal(me.json.signedIn, { mode: 'kube-token', user: 'alice', groups: ['dev', 'system:authenticated'], admin: false, signOut: '/auth/sign-out' });
  assert.is((await upgrade(app.port, { Cookie: answer.json.cookie, Origin: app.origin })).status, 101);
  assert.equal(warnings.slice(before), ['kube-token sign-in: "alice" signed in from 127.0.0.1 (a token exchange, from the command line)']);
  const admin = await exchange(carol.token);
  assert.equal([admin.json.user, admin.json.admin], ['carol', true], 'carol is in --admin-group octant-admins');
  assert.not.ok(warnings.some((w) => w.includes(alice.token) || w.includes(carol.token)));
});

test('a wrong token is 401 without WWW-Authenticate (the command line reads a Bearer challenge as local mode), and the token is nowhere', async () => {
  const garbage = `garbage-${Math.random().toString(36).slice(2)}`;
  const before = warnings.length;
  const answer = await exchange(garbage);
  assert.is(answer.status, 401, answer.body);
  assert.is(answer.headers['www-authenticate'], undefined);
  assert.is(answer.json.error.message, 'The cluster did not accept this token (it is wrong, expired or revoked): get a fresh one and run `octant-exec sign-in` again.');
  assert.not.ok(answer.body.includes(garbage));
  const logged = warnings.slice(before);
  assert.equal(logged, ['kube-token sign-in refused: the cluster did not authenticate the token (TokenReview) from 127.0.0.1 (a token exchange, from the command line)']);
});

test("a service account's token is 403; something that is not a token 400", async () => {
  const robot = await exchange(app.sandbox!.users['octant-exec'].token);
  assert.is(robot.status, 403, robot.body);
  assert.is(robot.json.error.message, "This token is a service account's, not a person's: octant-exec acts only for people. Run `octant-exec sign-in` with a token of your own user.");
  for (const bad of [`Bearer ${alice.token.slice(0, 10)} ${alice.token.slice(10)}`, 'Bearer', 'bearer  ']) {
    const answer = await send(app.port, '/auth/sign-in', { method: 'POST', headers: { Authorization: bad } });
    assert.is(answer.status, 400, bad);
    assert.is(answer.json.error.message, 'That is not a bearer token: give `octant-exec sign-in` the token alone, on one line, without spaces.');
  }
});

test('a page of another origin (or site) is refused 403, though no browser sends this header cross-origin without a preflight', async () => {
  const foreign = await exchange(alice.token, { Origin: 'https://evil.example' });
  assert.is(foreign.status, 403, foreign.body);
  assert.match(foreign.json.error.message, /Requests from this Origin are not allowed/);
  assert.is((await exchange(alice.token, { 'Sec-Fetch-Site': 'cross-site' })).status, 403);
  assert.is((await exchange(alice.token, { Origin: app.origin })).status, 200, "the app's own Origin is fine");
});

test('a sign-out as a command line sends it (POST with the cookie, no Origin) ends the exchanged session', async () => {
  const { cookie } = (await exchange(alice.token)).json;
  assert.is((await info(cookie)).status, 200);
  const out = await send(app.port, '/auth/sign-out', { method: 'POST', headers: { Cookie: cookie, Accept: 'application/json' } });
  assert.equal([out.status, out.json], [200, { signedOut: true, next: null }]);
  const after = await info(cookie);
  assert.is(after.status, 401);
  assert.match(after.json.error.message, /Your sign-in has ended/);
});

test('the form works on: a post without Authorization, or with the Basic one of a proxy in front, is the form', async () => {
  const { answer } = await kubeTokenSignIn(app.port, app.origin, alice.token);
  assert.is(answer.status, 303, answer.body);
  const page = await send(app.port, '/auth/sign-in');
  const basic = { Authorization: `Basic ${Buffer.from('proxy:pass').toString('base64')}` };
  const viaProxy = await send(app.port, '/auth/sign-in', { body: new URLSearchParams({ ...formOf(page.body).fields, token: alice.token }).toString(), headers: { ...FORM, ...basic, Cookie: page.cookies[0].split(';')[0], Origin: app.origin } });
  assert.is(viaProxy.status, 303, viaProxy.body);
  assert.ok(viaProxy.cookies.some((c) => c.startsWith('octant_exec_session=')));
});

test.run();

// --auth kube-token end to end against the sandbox: a person pastes their bearer token on the
// sign-in page, the server asks the cluster whose it is (TokenReview) and acts as that user with
// their groups. A wrong token, or a service account's, is refused and logged without the token;
// sign-out ends the session on the server; the form and the API refuse what another site sends.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestApp } from './support.ts';
import { Jar, formOf, send, upgrade } from './auth-support.ts';
import { FORM, kubeTokenSignIn } from './team-sign-in.ts';
import { waitFor } from '../support/wait.ts';

const warnings: string[] = [];
const app = await startTestApp({ auth: { mode: 'kube-token' }, adminGroups: ['octant-admins'], warn: (m) => warnings.push(m) });
test.after(() => app.close());
const { alice, carol } = app.sandbox!.users;
const signIn = (token: string, options: { origin?: string; then?: string; from?: string } = {}) => kubeTokenSignIn(app.port, app.origin, token, options);

const info = (jar: Jar) => send(app.port, '/api/v1/info', { headers: { Cookie: jar.header() } });

test("alice's token: signed in as alice, with the groups the TokenReview gave, behind an HttpOnly SameSite=Strict cookie", async () => {
  const { answer, jar } = await signIn(alice.token, { then: '/sessions' });
  assert.is(answer.status, 303, answer.body);
  assert.is(answer.headers.location, '/sessions');
  const session = answer.cookies.find((c) => c.startsWith('octant_exec_session='));
  assert.match(session ?? '', /^octant_exec_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=28800$/);
  const me = await info(jar);
  assert.is(me.status, 200, me.body);
  assert.equal(me.json.signedIn, { mode: 'kube-token', user: 'alice', groups: ['dev', 'system:authenticated'], admin: false, signOut: '/auth/sign-out' });
  assert.is((await send(app.port, '/sessions', { headers: { Cookie: jar.header() } })).status, 200);
  assert.is((await upgrade(app.port, { Cookie: jar.header() })).status, 101);
  const { jar: carolJar } = await signIn(`Bearer ${carol.token}`);
  assert.equal((await info(carolJar)).json.signedIn.admin, true, 'carol is in --admin-group octant-admins');
  assert.not.ok(warnings.some((w) => w.includes(alice.token) || w.includes(carol.token)));
});

test("a service account's token, which the cluster's TokenReview accepts, is refused at sign-in (the server may not impersonate one): a sentence, not a session that fails later", async () => {
  const robot = app.sandbox!.users['octant-exec'];
  const before = warnings.length;
  const { answer, jar } = await signIn(robot.token);
  assert.is(answer.status, 403, answer.body);
  assert.match(answer.body, /This token is a service account&#39;s, not a person&#39;s/);
  assert.is(jar.get('octant_exec_session'), undefined);
  assert.equal(warnings.slice(before), ['kube-token sign-in refused: the token is a service account\'s (user "system:serviceaccount:octant-exec:octant-exec"), from 127.0.0.1']);
});

test('a sign-in is one line in the server log: who, the mode and the peer, never the token', async () => {
  const before = warnings.length;
  assert.is((await signIn(alice.token, { from: '127.0.0.6' })).answer.status, 303);
  assert.equal(warnings.slice(before), ['kube-token sign-in: "alice" signed in from 127.0.0.6']);
});

test('without a session: the API and the socket say to sign in, the pages send the browser to the sign-in page', async () => {
  const none = await send(app.port, '/api/v1/info');
  assert.is(none.status, 401);
  assert.match(none.json.error.message, /Sign in first: open \/auth\/sign-in/);
  assert.is((await send(app.port, '/api/v1/info', { headers: { Authorization: `Bearer ${app.token}` } })).status, 401, "local mode's token opens nothing here");
  assert.is((await upgrade(app.port, {})).status, 401);
  const page = await send(app.port, '/batches');
  assert.is(page.status, 303);
  assert.is(page.headers.location, '/auth/sign-in?then=%2Fbatches');
  // a link to a pod's view keeps its query through the sign-in
  const link = await send(app.port, '/?namespace=default&pod=web');
  assert.is(link.headers.location, '/auth/sign-in?then=%2F%3Fnamespace%3Ddefault%26pod%3Dweb');
  assert.is((await signIn(alice.token, { then: '/?namespace=default&pod=web' })).answer.headers.location, '/?namespace=default&pod=web');
  const { answer } = await signIn(alice.token, { then: '//evil.example/x' });
  assert.is(answer.headers.location, '/', 'never a redirect off this server');
});

test('a garbage token: refused with a sentence, and neither the page nor any log line carries it', async () => {
  const garbage = `garbage-${Math.random().toString(36).slice(2)}`;
  const before = warnings.length;
  const { answer, jar } = await signIn(garbage);
  assert.is(answer.status, 401);
  assert.match(answer.body, /The cluster did not accept this token/);
  assert.not.ok(answer.body.includes(garbage));
  assert.is(jar.get('octant_exec_session'), undefined);
  const logged = warnings.slice(before);
  assert.ok(logged.some((w) => /kube-token sign-in refused: the cluster did not authenticate the token/.test(w)), logged.join('\n'));
  assert.not.ok(logged.some((w) => w.includes(garbage)));
  const spaced = await signIn(`${alice.token.slice(0, 10)} ${alice.token.slice(10)}`);
  assert.is(spaced.answer.status, 400);
  assert.match(spaced.answer.body, /not a bearer token/);
});

test('sign-out ends the session on the server: its cookie is refused afterwards and its socket is closed', async () => {
  const { jar } = await signIn(alice.token);
  const cookie = jar.header();
  const socket = await upgrade(app.port, { Cookie: cookie }, { keep: true });
  assert.is(socket.status, 101);
  let closed: { code: number; reason: string } | undefined;
  socket.ws!.on('close', (code, reason) => (closed = { code, reason: reason.toString() }));
  assert.is((await send(app.port, '/auth/sign-out', { headers: { Cookie: cookie } })).status, 405, 'a link cannot sign anyone out');
  const out = await send(app.port, '/auth/sign-out', { method: 'POST', headers: { Cookie: cookie, Origin: app.origin, Accept: 'application/json' } });
  assert.is(out.status, 200);
  assert.equal(out.json, { signedOut: true, next: null });
  assert.match(out.cookies.join('\n'), /octant_exec_session=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0/);
  await waitFor(() => closed, 'the signed-out session\'s socket to close', 5000);
  assert.equal(closed, { code: 1008, reason: 'signed out' });
  const after = await send(app.port, '/api/v1/info', { headers: { Cookie: cookie } });
  assert.is(after.status, 401);
  assert.match(after.json.error.message, /Your sign-in has ended/);
  assert.is((await upgrade(app.port, { Cookie: cookie })).status, 401);
  // as the page signs out: a fetch POSTing {} as JSON
  const again = (await signIn(alice.token)).jar;
  const byPage = await send(app.port, '/auth/sign-out', { body: '{}', headers: { Cookie: again.header(), Origin: app.origin, 'Content-Type': 'application/json' } });
  assert.equal([byPage.status, byPage.json], [200, { signedOut: true, next: null }]);
  assert.is((await info(again)).status, 401);
});

test('login CSRF: a sign-in post without the form this server gave, or from another site, is refused', async () => {
  const bare = await send(app.port, '/auth/sign-in', { body: new URLSearchParams({ token: alice.token }).toString(), headers: { ...FORM, Origin: app.origin } });
  assert.is(bare.status, 403);
  assert.match(bare.body, /not the one this server gave you/);
  assert.not.ok(bare.cookies.some((c) => c.startsWith('octant_exec_session=')));
  const foreign = await signIn(alice.token, { origin: 'https://evil.example' });
  assert.is(foreign.answer.status, 403);
  assert.is(foreign.jar.get('octant_exec_session'), undefined);
  // a form field from one page with the cookie of another
  const one = await send(app.port, '/auth/sign-in');
  const other = new Jar().take((await send(app.port, '/auth/sign-in')).cookies);
  const mixed = await send(app.port, '/auth/sign-in', { body: new URLSearchParams({ ...formOf(one.body).fields, token: alice.token }).toString(), headers: { ...FORM, Cookie: other.header() } });
  assert.is(mixed.status, 403);
  const json = await send(app.port, '/auth/sign-in', { body: JSON.stringify({ token: alice.token }), headers: { 'Content-Type': 'application/json', Cookie: other.header() } });
  assert.is(json.status, 415);
});

test('a flood of sign-in attempts from one address is 429 for that address only: another still signs in', async () => {
  const flooder = '127.0.0.4';
  const page = await send(app.port, '/auth/sign-in', { from: flooder });
  const jar = new Jar().take(page.cookies);
  const body = new URLSearchParams({ ...formOf(page.body).fields, token: 'not a token' }).toString();
  // Attempts 30 at a time: one after another, each a TokenReview, a busy machine answered them
  // slower than the bucket refills (5 a second) and never reached the burst of 20.
  const answers: { status: number; body: string }[] = [];
  for (let wave = 0; wave < 5 && !answers.some((a) => a.status === 429); wave++) {
    answers.push(...(await Promise.all(Array.from({ length: 30 }, () => send(app.port, '/auth/sign-in', { body, from: flooder, headers: { ...FORM, Cookie: jar.header(), Origin: app.origin } })))));
  }
  const statuses = answers.map((a) => a.status).join(' ');
  assert.ok(answers.every((a) => a.status === 400 || a.status === 429), statuses);
  const refused = answers.find((a) => a.status === 429);
  assert.ok(refused, statuses);
  assert.match(refused.body, /Too many sign-in attempts from your address/);
  const { answer, jar: other } = await signIn(alice.token, { from: '127.0.0.5' });
  assert.is(answer.status, 303, answer.body);
  assert.is((await info(other)).json.signedIn.user, 'alice');
});

test('CSRF on the API: a cross-origin POST with the session cookie is refused, the same POST from the page is not', async () => {
  const { jar } = await signIn(alice.token);
  const post = (path: string, headers: Record<string, string>) => send(app.port, path, { method: 'POST', headers: { Cookie: jar.header(), ...headers } });
  const foreign = await post('/api/v1/sessions/close-ended', { Origin: 'https://evil.example' });
  assert.is(foreign.status, 403);
  assert.is((await post('/api/v1/sessions/close-ended', { 'Sec-Fetch-Site': 'cross-site' })).status, 403);
  assert.is((await post('/auth/sign-out', { Origin: 'https://evil.example' })).status, 403);
  assert.is((await info(jar)).status, 200, 'the refused sign-out changed nothing');
  assert.is((await post('/api/v1/sessions/close-ended', { Origin: app.origin, 'Sec-Fetch-Site': 'same-origin' })).status, 200);
});

test.run();

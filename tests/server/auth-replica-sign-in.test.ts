// Sign-in across replicas: two real servers in kube-token mode with the same session key (one from
// --session-key-file, one handed the key's bytes, as a shared store would), each with its own
// sandbox and state. A person signs in on A; the cookie A made is that person on B, for the API and
// for a socket, and the sign-in form from one replica may be posted to the other; a tampered copy
// is not signed in (401, not 500); sign-out on A ends the session on A and, with no shared store
// to carry it, not on B (the limit docs/team-mode.md states; replicas that share a store hear of
// it: auth-replica-sign-out.test.ts).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp } from './support.ts';
import { Jar, formOf, send, upgrade } from './auth-support.ts';
import { FORM, kubeTokenSignIn } from './team-sign-in.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-replicas-'));
const key = randomBytes(32);
const keyFile = join(dir, 'session-key');
writeFileSync(keyFile, `${key.toString('base64')}\n`, { mode: 0o600 });
const a = await startTestApp({ auth: { mode: 'kube-token', sessionKeyFile: keyFile } });
const b = await startTestApp({ auth: { mode: 'kube-token', sessionKey: key } });
test.after(async () => {
  await b.close();
  await a.close();
  rmSync(dir, { recursive: true, force: true });
});

test('signed in on A, the same cookie is that person on B; signed out on A, it ends there', async () => {
  const { answer, jar } = await kubeTokenSignIn(a.port, a.origin, a.sandbox!.users.alice.token);
  assert.is(answer.status, 303, answer.body);
  const value = jar.get('octant_exec_session')!;
  assert.match(value, /^v1\./, 'a signed cookie, not a server-side id');
  const cookie = jar.header();

  const onB = await send(b.port, '/api/v1/info', { headers: { Cookie: cookie } });
  assert.is(onB.status, 200, onB.body);
  assert.equal([onB.json.signedIn.mode, onB.json.signedIn.user, onB.json.signedIn.admin], ['kube-token', 'alice', false]);
  const sessions = await send(b.port, '/api/v1/sessions', { headers: { Cookie: cookie } });
  assert.is(sessions.status, 200, sessions.body);
  const socket = await upgrade(b.port, { Cookie: cookie });
  assert.is(socket.status, 101, socket.body);

  const flipped = value.slice(0, -1) + (value.endsWith('A') ? 'B' : 'A');
  for (const bad of [flipped, value.slice(0, 40), `v2${value.slice(2)}`, value + 'A'.repeat(4000)]) {
    const refused = await send(b.port, '/api/v1/info', { headers: { Cookie: `octant_exec_session=${bad}` } });
    assert.is(refused.status, 401, refused.body);
    assert.match(refused.json.error.message, /Your sign-in has ended/);
  }

  const out = await send(a.port, '/auth/sign-out', { method: 'POST', headers: { Cookie: cookie, Origin: a.origin, Accept: 'application/json' } });
  assert.equal([out.status, out.json], [200, { signedOut: true, next: null }]);
  assert.match(out.cookies.join('\n'), /octant_exec_session=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0/, 'the browser drops the cookie');
  assert.is((await send(a.port, '/api/v1/info', { headers: { Cookie: cookie } })).status, 401, 'revoked on the replica that signed out');
  assert.is((await upgrade(a.port, { Cookie: cookie })).status, 401);
  assert.is((await send(b.port, '/api/v1/info', { headers: { Cookie: cookie } })).status, 200, 'B, sharing only the key, has no word of it: a copy of the cookie works there until it expires');
});

test('the sign-in form one replica gave is taken by another (a round-robin proxy sends the page and the post to either)', async () => {
  const jar = new Jar();
  const page = await send(b.port, '/auth/sign-in?then=/');
  jar.take(page.cookies);
  const { action, fields } = formOf(page.body);
  const posted = await send(a.port, action, { body: new URLSearchParams({ ...fields, token: a.sandbox!.users.alice.token }).toString(), headers: { ...FORM, Cookie: jar.header(), Origin: a.origin } });
  assert.is(posted.status, 303, posted.body);
  jar.take(posted.cookies);
  assert.is((await send(b.port, '/api/v1/info', { headers: { Cookie: jar.header() } })).json.signedIn.user, 'alice');
});

test('a server with another key, or none, does not take the cookie', async () => {
  const { jar } = await kubeTokenSignIn(a.port, a.origin, a.sandbox!.users.bob.token);
  const other = await startTestApp({ auth: { mode: 'kube-token', sessionKey: randomBytes(32) } });
  const memory = await startTestApp({ auth: { mode: 'kube-token' } });
  try {
    for (const app of [other, memory]) assert.is((await send(app.port, '/api/v1/info', { headers: { Cookie: jar.header() } })).status, 401);
  } finally {
    await memory.close();
    await other.close();
  }
});

test.run();

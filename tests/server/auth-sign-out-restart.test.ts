// One server whose signed sessions outlive a restart (--session-key-file, no shared store) keeps
// its sign-outs across the restart too (src/server/auth/file-revocations.ts): before, they were in
// memory only, and a copy of a signed-out cookie was a session again after a restart, for the rest
// of its 8 hours. A session not signed out goes on after the restart, as the session key promises.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './support.ts';
import { send } from './auth-support.ts';
import { kubeTokenSignIn } from './team-sign-in.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-sign-out-restart-'));
const keyFile = join(dir, 'session-key');
writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
const start = () => startTestApp({ auth: { mode: 'kube-token', sessionKeyFile: keyFile }, stateDir: join(dir, 'state') });
let app: TestApp | undefined;
test.after(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('signed out before a restart: still signed out after it; signed in and not out: still signed in', async () => {
  app = await start();
  const alice = (await kubeTokenSignIn(app.port, app.origin, app.sandbox!.users.alice.token)).jar.header();
  const bob = (await kubeTokenSignIn(app.port, app.origin, app.sandbox!.users.bob.token)).jar.header();
  const out = await send(app.port, '/auth/sign-out', { method: 'POST', headers: { Cookie: alice, Origin: app.origin, Accept: 'application/json' } });
  assert.is(out.status, 200, out.body);
  assert.is((await send(app.port, '/api/v1/info', { headers: { Cookie: alice } })).status, 401);
  assert.is(statSync(join(dir, 'state', 'sign-outs')).mode & 0o777, 0o600, 'the sign-outs are the server user\'s alone');
  await app.close();

  app = await start();
  const aliceAfter = await send(app.port, '/api/v1/info', { headers: { Cookie: alice } });
  assert.is(aliceAfter.status, 401, `alice's signed-out cookie after the restart: ${aliceAfter.body}`);
  const bobAfter = await send(app.port, '/api/v1/info', { headers: { Cookie: bob } });
  assert.is(bobAfter.status, 200, bobAfter.body);
  assert.is(bobAfter.json.signedIn.user, 'bob');
});

test.run();

// Local mode, several replicas behind one round-robin address, sharing a --token-file
// (docs/team-mode.md "Several replicas: one sign-in for all": "The same token then opens every
// replica"). The browser sees one address, so one jar; the replicas listen on ports of their own
// (two on one machine behind nginx, or a container port mapped per replica). ecca7bb named the
// session cookie after the port each server listens on: the cookie replica A sets
// (octant_exec_session_<A's port>) is not the one replica B reads, so every call that lands on B
// is 401 after a sign-in on A. The browser never sees those ports: the name comes from the
// token they share (security.ts localCookieName).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { suite } from '../support/test.ts';
import { Jar, send } from './auth-support.ts';
import { startTestApp, type TestApp } from './support.ts';

const test = suite('local replicas behind one address take each other\'s sign-in', { deadlineMs: 90_000 });

const PUBLIC = 'http://exec.example:8443';
const dir = mkdtempSync(join(tmpdir(), 'octant-exec-replicas-cookie-'));
const apps: TestApp[] = [];
test.before(async () => {
  const tokenFile = join(dir, 'token');
  apps.push(await startTestApp({ tokenFile, publicUrl: PUBLIC }), await startTestApp({ tokenFile, publicUrl: PUBLIC }));
});
test.after(async () => {
  for (const app of apps) await app.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a sign-in on one replica lets the page call the other (same --token-file, same --public-url)', async () => {
  const [a, b] = apps;
  assert.is(a.token, b.token, 'the shared token file');
  const jar = new Jar();
  const headers = { Host: 'exec.example:8443', Origin: PUBLIC };
  const signIn = await send(a.port, '/api/v1/session', { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ token: a.token }) });
  assert.is(signIn.status, 200, signIn.body);
  jar.take(signIn.cookies);
  for (const app of [a, b]) {
    const answer = await send(app.port, '/api/v1/sessions', { headers: { ...headers, Cookie: jar.header() } });
    assert.is(answer.status, 200, `the replica on port ${app.port} (the cookie jar holds ${[...jar.header().matchAll(/(\w+)=/g)].map((m) => m[1]).join(', ')}): ${answer.body}`);
  }
});

test.run();

// Ownership across time in team mode: a restart runs a terminal as it was started, so someone
// whose groups changed since must open a new one instead (their old rights do not come back with
// it); and terminals from before team mode (the same state directory in local mode) have no owner:
// nobody sees them but admins, who may close them, never restart them. And a deleted pod ends its
// owner's terminals, though the server's own identity may not list pods.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionRow } from '../../src/protocol/index.ts';
import { waitFor } from '../support/wait.ts';
import { send } from './auth-support.ts';
import { call, startTestApp, type TestApp } from './support.ts';
import { PROXY_PEER } from './team-sign-in.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-team-ownership-'));
const echo = { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['echo', 'hi'] }, interactive: false };
let app: TestApp;
let local = '';

const as = (user: string, groups: string[], path: string, body?: unknown) =>
  send(app.port, `/api/v1${path}`, {
    from: PROXY_PEER,
    headers: { 'X-Forwarded-User': user, 'X-Forwarded-Groups': groups.join(','), Origin: app.origin, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
const ended = (id: string, user: string, groups: string[]) =>
  waitFor(async () => ((await as(user, groups, '/sessions')).json.sessions as SessionRow[]).find((s) => s.sessionId === id && s.state === 'exited'), `${id} exited`);

test.before(async () => {
  const before = await startTestApp({ stateDir: dir });
  const started = await call(before, '/api/v1/exec', { body: echo, origin: before.origin });
  local = started.json.sessionIds[0];
  await waitFor(async () => (await call(before, '/api/v1/sessions')).json.sessions.find((s: SessionRow) => s.sessionId === local && s.state === 'exited'), 'the local run');
  await before.close();
  app = await startTestApp({ stateDir: dir, auth: { mode: 'proxy', trustedProxies: [`${PROXY_PEER}/32`] }, adminGroups: ['octant-admins'] });
});
test.after(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a restart by an owner whose groups changed since the start is refused; with the same groups (any order) it runs', async () => {
  const started = await as('alice', ['dev', 'extra'], '/exec', echo);
  assert.is(started.status, 201, started.body);
  const id: string = started.json.sessionIds[0];
  await ended(id, 'alice', ['dev', 'extra']);
  const fewer = await as('alice', ['extra'], `/sessions/${id}/restart`, {});
  assert.is(fewer.status, 409);
  assert.match(fewer.json.error.message, 'your groups were "dev", "extra"; they are "extra" now: open a new terminal');
  const same = await as('alice', ['extra', 'dev'], `/sessions/${id}/restart`, {});
  assert.is(same.status, 200, same.body);
  assert.is(same.json.run, 2);
});

test('a terminal from before team mode: nobody sees it but admins, who may close it and not restart it', async () => {
  const alicesList = (await as('alice', ['dev'], '/sessions')).json.sessions as SessionRow[];
  assert.not.ok(alicesList.some((s) => s.sessionId === local));
  assert.is((await as('alice', ['dev'], `/sessions/${local}/close`, {})).status, 404);
  const carolsList = (await as('carol', ['octant-admins'], '/sessions')).json.sessions as SessionRow[];
  assert.ok(carolsList.some((s) => s.sessionId === local && s.person === undefined), 'an admin sees it, ownerless');
  const restart = await as('carol', ['octant-admins'], `/sessions/${local}/restart`, {});
  assert.is(restart.status, 403);
  assert.match(restart.json.error.message, 'from before team mode');
  assert.is((await as('carol', ['octant-admins'], `/sessions/${local}/close`, {})).status, 200);
  assert.not.ok(((await as('carol', ['octant-admins'], '/sessions')).json.sessions as SessionRow[]).some((s) => s.sessionId === local));
});

test("a deleted pod ends its owner's terminal (podDeleted): the server watches it as the owner, since it may list no pods itself", async () => {
  const started = await as('alice', ['dev'], '/exec', { namespace: 'batch', pod: 'worker-1', containers: ['main'], command: { shell: 'sh' } });
  assert.is(started.status, 201, started.body);
  const id: string = started.json.sessionIds[0];
  const row = async () => ((await as('alice', ['dev'], '/sessions')).json.sessions as SessionRow[]).find((s) => s.sessionId === id);
  await waitFor(async () => (await row())?.state === 'interactive', 'the shell running');
  // The watch follows a list; a pod deleted before it is open reaches the server only when the
  // watch replays it, which can be after the killed shell's exit, and that exit would be the end.
  await waitFor(() => app.sandbox!.podWatchers('batch').includes('alice'), 'the server watching batch as alice');
  assert.ok(app.sandbox!.deletePod('batch', 'worker-1'));
  const ended = await waitFor(async () => {
    const r = await row();
    return r?.state === 'disconnected' ? r : undefined;
  }, 'the terminal ended by the deletion');
  assert.is(ended.disconnectReason, 'podDeleted');
});

test.run();

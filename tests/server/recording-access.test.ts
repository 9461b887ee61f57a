// Who may get a recording (docs/recordings.md): in team mode the person who ran it and admins;
// anyone else is answered as if the terminal never was, and may not turn its recording on or off.
// And a server started with --record off refuses to record, with a sentence.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { AuditRecord } from '../../src/protocol/index.ts';
import { waitFor } from '../support/wait.ts';
import { call, startTestApp, type TestApp } from './support.ts';
import { asProxyPerson, PROXY_PEER } from './team-sign-in.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIT_RECORDS_KEPT } from '../../src/events/projections/audit-trail.ts';

const shell = { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' }, record: true };
let app: TestApp;

const as = (user: string, path: string, body?: unknown) => asProxyPerson(app, user, path, body);

test.before(async () => {
  app = await startTestApp({ auth: { mode: 'proxy', trustedProxies: [`${PROXY_PEER}/32`] }, adminGroups: ['octant-admins'] });
});
test.after(() => app?.close());

test("a recording is its owner's and the admins': another person gets a 404 and cannot toggle it", async () => {
  const started = await as('alice', '/exec', shell);
  assert.is(started.status, 201, started.body);
  const id: string = started.json.sessionIds[0];
  await waitFor(async () => ((await as('alice', '/audit')).json.records as AuditRecord[]).some((r) => r.sessionId === id && r.recording), 'the recording in the audit trail', 15_000);
  const bobToggles = await as('bob', `/sessions/${id}/recording`, { on: false });
  assert.is(bobToggles.status, 404, bobToggles.body);
  const carolToggles = await as('carol', `/sessions/${id}/recording`, { on: false });
  assert.is(carolToggles.status, 403, 'an admin watches; only the owner acts');
  assert.is((await as('alice', `/sessions/${id}/close`, {})).status, 200);
  await waitFor(async () => ((await as('alice', '/audit')).json.records as AuditRecord[]).some((r) => r.sessionId === id && r.recording?.stopped), 'the recording to stop', 15_000);

  const alice = await as('alice', `/sessions/${id}/recording?run=1`);
  assert.is(alice.status, 200, alice.body);
  assert.is(JSON.parse(alice.body.split('\n')[0]).version, 2);
  const carol = await as('carol', `/sessions/${id}/recording?run=1`);
  assert.is(carol.status, 200);
  assert.is(carol.body, alice.body);
  const bob = await as('bob', `/sessions/${id}/recording?run=1`);
  assert.is(bob.status, 404);
  assert.not.match(bob.body, '"version"');
  assert.match(bob.json.error.message, `There is no terminal "${id}" with recordings you may see`);
  assert.is((await call(app, `/api/v1/sessions/${id}/recording?run=1`, { token: null })).status, 401, 'no credentials, no recording');
});

test("past the audit trail's latest runs, and after a restart, a recording is still there for its owner and admins only", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-recordings-kept-'));
  const auth = { mode: 'proxy' as const, trustedProxies: [`${PROXY_PEER}/32`] };
  let server = await startTestApp({ stateDir: dir, auth, adminGroups: ['octant-admins'] });
  const asOn = (user: string, path: string) => asProxyPerson(server, user, path);
  try {
    const started = await asProxyPerson(server, 'alice', '/exec', shell);
    assert.is(started.status, 201, started.body);
    const id: string = started.json.sessionIds[0];
    // closed once it printed: a run's recording begins with its first byte (a run closed while it connects has none)
    await waitFor(() => (server.hub.stats(id)?.end ?? 0) > 0, "the shell's prompt", 15_000);
    server.system.close(id);
    await waitFor(() => server.system.auditTrail.records.some((r) => r.sessionId === id && r.recording?.stopped), 'the recording to stop', 15_000);
    const cast = (await asOn('alice', `/sessions/${id}/recording?run=1`)).body;
    assert.is(JSON.parse(cast.split('\n')[0]).version, 2);
    // runs enough to push it out of the trail the server keeps in memory (refused ones: one entry each)
    for (let i = 0; i <= AUDIT_RECORDS_KEPT * 1.2; i++) server.system.exec({ target: { namespace: 'default', pod: 'web', containers: [] }, command: { shell: 'sh' }, interactive: true, requestedBy: 'alice' }, []);
    assert.not.ok(server.system.auditTrail.records.some((r) => r.sessionId === id), 'no longer in the audit trail');
    for (let restarted = 0; restarted < 2; restarted++) {
      const alice = await asOn('alice', `/sessions/${id}/recording?run=1`);
      assert.is(alice.status, 200, alice.body);
      assert.is(alice.body, cast);
      assert.is((await asOn('carol', `/sessions/${id}/recording`)).body, cast, 'an admin');
      const bob = await asOn('bob', `/sessions/${id}/recording?run=1`);
      assert.is(bob.status, 404);
      assert.match(bob.json.error.message, `There is no terminal "${id}" with recordings you may see`);
      assert.is((await asOn('alice', `/sessions/${id}/recording?run=2`)).status, 404, 'a run that was not recorded');
      await server.close(); // a snapshot on the way out: the next start begins from it
      if (restarted === 0) server = await startTestApp({ stateDir: dir, auth, adminGroups: ['octant-admins'] });
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with --record off: record is refused with a sentence, and the info says so', async () => {
  const off = await startTestApp({ recording: { mode: 'off' } });
  try {
    assert.equal((await call(off, '/api/v1/info')).json.recording, { mode: 'off', input: false, maxBytes: 64 * 1024 * 1024 });
    const refused = await call(off, '/api/v1/exec', { body: shell });
    assert.is(refused.status, 400);
    assert.match(refused.json.error.message, '--record off');
    assert.equal((await call(off, '/api/v1/sessions')).json.sessions, [], 'nothing started');
  } finally {
    await off.close();
  }
});

test.run();

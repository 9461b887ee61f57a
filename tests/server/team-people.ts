// Team mode as people live it, the same scenario in every sign-in mode (team-people-*.test.ts):
// alice (group dev) execs and the sandbox's audit shows the server's own identity impersonating
// her; bob (viewers) may not, and his page and his failed exec both say pods/exec; nobody sees or
// touches another person's terminals, batches, alerts or audit records (404, never 403: an id is
// not confirmed); carol (octant-admins, an --admin-group) watches alice's terminal read-only and
// reads the whole audit trail.
import * as assert from 'uvu/assert';
import type { Test } from 'uvu';
import { auditEvents } from '../support/sandbox-access.ts';
import { waitFor } from '../support/wait.ts';
import type { SessionRow } from '../../src/protocol/index.ts';
import { send, type Answer } from './auth-support.ts';
import { StreamClient, type TestApp } from './support.ts';
import type { Credentials } from './team-sign-in.ts';

const SERVER_USER = 'system:serviceaccount:octant-exec:octant-exec';

export interface TeamSetup {
  app: TestApp;
  /** signs the person in as the mode does; what their requests then carry */
  signIn(user: 'alice' | 'bob' | 'carol'): Promise<Credentials>;
}

export function peopleScenario(test: Test, setup: () => TeamSetup): void {
  let app: TestApp;
  const as: Record<string, Credentials> = {};
  let alicesRun = '';
  let bobsExec = '';
  let alicesBatch = '';

  const api = (who: string, path: string, body?: unknown): Promise<Answer> =>
    send(app.port, `/api/v1${path}`, {
      headers: { ...as[who].headers, Origin: app.origin, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(as[who].from ? { from: as[who].from } : {}),
    });
  const row = async (who: string, id: string): Promise<SessionRow | undefined> => (await api(who, '/sessions')).json.sessions.find((s: SessionRow) => s.sessionId === id);
  const ended = (who: string, id: string) => waitFor(async () => {
    const r = await row(who, id);
    return r && ['exited', 'failed', 'timedOut', 'disconnected'].includes(r.state) ? r : undefined;
  }, `${id} ended`);

  test.before(async () => {
    const team = setup();
    app = team.app;
    for (const user of ['alice', 'bob', 'carol'] as const) as[user] = await team.signIn(user);
  });

  test("alice's exec runs as alice: the sandbox's audit shows the server's identity impersonating her and her group", async () => {
    const started = await api('alice', '/exec', { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['echo', 'hi-from-alice'] }, interactive: false });
    assert.is(started.status, 201, started.body);
    alicesRun = started.json.sessionIds[0];
    const done = await ended('alice', alicesRun);
    assert.is(done.state, 'exited', JSON.stringify(done));
    // her groups as her sign-in gave them (a TokenReview adds system:authenticated, a proxy or an issuer does not)
    const { user, groups } = (await api('alice', '/info')).json.signedIn;
    assert.ok(groups.includes('dev'), groups);
    assert.equal([done.requestedBy, done.person], ['alice', { user, groups }]);
    const page = await StreamClient.open(app, { as: as.alice });
    try {
      await page.attach(alicesRun);
      await page.waitForText(alicesRun, 'hi-from-alice');
    } finally {
      page.ws.close();
    }
    const exec = await waitFor(() => auditEvents(app.sandbox!).find((e) => e.objectRef?.subresource === 'exec' && e.requestURI.includes('hi-from-alice')), 'the exec in the audit log');
    assert.is(exec.user.username, SERVER_USER);
    assert.equal(exec.impersonatedUser, { username: 'alice', groups: ['dev', 'system:authenticated'] });
    assert.is(exec.responseStatus.code, 101);
  });

  test('bob may not exec: his page is told so ahead, and his exec fails naming pods/exec', async () => {
    const may = (await api('bob', '/permissions?namespace=default')).json;
    assert.is(may.exec.allowed, false);
    assert.match(may.exec.reason, 'create pods/exec in namespace "default"');
    assert.is((await api('alice', '/permissions?namespace=default')).json.exec.allowed, true);
    const started = await api('bob', '/exec', { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['id'] }, interactive: false });
    assert.is(started.status, 201, started.body);
    bobsExec = started.json.sessionIds[0];
    const done = await ended('bob', bobsExec);
    assert.is(done.state, 'failed');
    assert.is(done.failure?.reason, 'forbidden');
    assert.match(done.failure!.message, 'pods/exec');
    assert.ok((await api('bob', '/alerts')).json.alerts.some((a: { sessionId: string }) => a.sessionId === bobsExec), "bob's alert");
  });

  test("files go in as the person: alice's upload is an exec impersonating her, bob's is refused naming pods/exec", async () => {
    const upload = (who: string, name: string) =>
      send(app.port, `/api/v1/files/upload?namespace=default&pod=web&container=nginx&path=/tmp&name=${name}`, {
        headers: { ...as[who].headers, Origin: app.origin, 'Content-Type': 'text/plain' },
        body: `from ${who}`,
        ...(as[who].from ? { from: as[who].from } : {}),
      });
    const alices = await upload('alice', 'alice.txt');
    assert.is(alices.status, 201, alices.body);
    const exec = await waitFor(() => auditEvents(app.sandbox!).find((e) => e.objectRef?.subresource === 'exec' && e.requestURI.includes('command=tar') && e.impersonatedUser?.username === 'alice'), "alice's tar in the audit log");
    assert.is(exec.user.username, SERVER_USER);
    const record = (await api('alice', '/audit')).json.records.find((r: { sessionId: string }) => r.sessionId === alices.json.sessionId);
    assert.equal([record?.mode, record?.person?.user], [{ kind: 'upload', path: '/tmp' }, 'alice']);
    const bobs = await upload('bob', 'bob.txt');
    assert.is(bobs.status, 403, bobs.body);
    assert.match(bobs.json.error.message, 'pods/exec');
  });

  test("another person's terminal, batch, alert and audit record: absent from lists, 404 on every route and on the socket", async () => {
    const batch = await api('alice', '/batches', { namespace: 'default', pods: ['web'], container: 'nginx', command: { argv: ['true'] } });
    assert.is(batch.status, 201, batch.body);
    alicesBatch = batch.json.batchId;
    const bobSees = (await api('bob', '/sessions')).json.sessions.map((s: SessionRow) => s.sessionId);
    assert.ok(bobSees.includes(bobsExec) && !bobSees.includes(alicesRun), `bob sees ${bobSees}`);
    for (const path of [`/sessions/${alicesRun}/restart`, `/sessions/${alicesRun}/close`]) assert.is((await api('bob', path, {})).status, 404, path);
    const unknown = await api('bob', `/sessions/t999/restart`, {});
    assert.is(unknown.status, 404);
    assert.is((await api('bob', `/sessions/${alicesRun}/restart`, {})).json.error.message, unknown.json.error.message.replace('t999', alicesRun), 'the same answer as an id that never was');
    assert.is((await api('bob', `/batches/${alicesBatch}`)).status, 404);
    assert.is((await api('bob', `/batches/${alicesBatch}/cancel`, {})).status, 404);
    assert.not.ok((await api('bob', '/batches')).json.batches.some((b: { batchId: string }) => b.batchId === alicesBatch));
    assert.not.ok((await api('alice', '/alerts')).json.alerts.some((a: { sessionId: string }) => a.sessionId === bobsExec), "alice does not see bob's alert");
    const bobsAudit = (await api('bob', '/audit')).json.records as { who: string }[];
    assert.ok(bobsAudit.length > 0 && bobsAudit.every((r) => r.who === 'bob'), JSON.stringify(bobsAudit.map((r) => r.who)));
    assert.is((await api('bob', '/events')).status, 403);
    assert.is((await api('bob', '/snapshots')).status, 403);
    const page = await StreamClient.open(app, { as: as.bob });
    try {
      assert.not.ok(page.hello.sessions.some((s) => s.sessionId === alicesRun), 'not in his hello');
      page.send({ type: 'attach', sessionId: alicesRun });
      const refused = await page.next('error', (m) => m.sessionId === alicesRun, 'the refusal');
      assert.is(refused.code, 'unknownSession');
      page.type(alicesRun, 'rm -rf /\r');
      assert.is((await page.next('error', (m) => m.sessionId === alicesRun && m.code !== 'unknownSession', 'the input refusal')).code, 'notAttached');
    } finally {
      page.ws.close();
    }
  });

  test("carol (admin) watches alice's shell, cannot type in it, restart or close it, and reads everyone's audit", async () => {
    const shell = await api('alice', '/exec', { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
    assert.is(shell.status, 201, shell.body);
    const id: string = shell.json.sessionIds[0];
    const alice = await StreamClient.open(app, { as: as.alice });
    const carol = await StreamClient.open(app, { as: as.carol });
    try {
      assert.ok(carol.hello.sessions.some((s) => s.sessionId === id), "alice's shell in carol's hello");
      await alice.attach(id);
      await carol.attach(id);
      await waitFor(async () => (await row('alice', id))?.state === 'interactive', 'the shell running');
      alice.type(id, 'echo typed-by-$((6*7))\r');
      await carol.waitForText(id, 'typed-by-42');
      carol.type(id, 'echo carol-was-here\r');
      const refusal = await carol.next('error', (m) => m.sessionId === id, "carol's input refused");
      assert.is(refusal.code, 'readOnly');
      assert.match(refusal.message, "alice's terminal");
      for (const path of [`/sessions/${id}/restart`, `/sessions/${id}/close`]) {
        const answer = await api('carol', path, {});
        assert.is(answer.status, 403, path);
        assert.match(answer.json.error.message, 'belongs to alice');
      }
      const records = (await api('carol', '/audit')).json.records as { who: string; person?: { user: string } }[];
      assert.ok(['alice', 'bob'].every((who) => records.some((r) => r.who === who && r.person?.user === who)), 'both people in the trail');
      assert.is((await api('carol', '/events')).status, 200);
      const cancel = await api('carol', `/batches/${alicesBatch}/cancel`, {});
      assert.is(cancel.status, 403, "an admin watches another's batch, and may not cancel it (as she may not close its terminals)");
      assert.match(cancel.json.error.message, 'only its owner can cancel it');
      assert.not.ok((await api('carol', '/alerts')).json.alerts.some((a: { sessionId: string }) => a.sessionId === bobsExec), "an admin is not alerted about other people's terminals");
      assert.is((await api('alice', `/sessions/${id}/close`, {})).status, 200, 'its owner closes it');
      assert.not.match(alice.text(id), 'carol-was-here');
    } finally {
      alice.ws.close();
      carol.ws.close();
    }
  });
}

// An admin's end of a terminal another replica holds (docs/team-mode.md, "Offboarding"): two
// replicas on one shared log (in memory) in proxy mode, before one sandbox. Carol, an admin, asks
// replica B to end alice's terminals that A holds: B sends the call on to A, whose processes end,
// and both replicas list them stopped, ended by carol; the person-wide end is sent on the same way.
// While the shared log does not answer, both are refused (503). A replica the person-wide end
// cannot ask (an older build without the route answers 404) is listed in a 503 that says to run it again.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EndPersonReply, SessionRow } from '../../src/protocol/index.ts';
import { onFreePort } from '../support/free-port.ts';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { startTestApp, type TestApp } from './support.ts';
import { asProxyPerson, PROXY_PEER } from './team-sign-in.ts';

const test = suite('an admin ends terminals another replica holds', { deadlineMs: 120_000 });

const as = asProxyPerson;
const rowOf = async (app: TestApp, id: string) => ((await as(app, 'carol', '/sessions')).json.sessions as SessionRow[]).find((s) => s.sessionId === id);

test('ended through the replica that does not hold them: one terminal, then all of a person’s', async () => {
  const sandbox = await startTestSandbox();
  const log = new MemoryLog();
  const apps: TestApp[] = [];
  try {
    const start = (port: number) =>
      startTestApp({ sandbox: false, kubeconfig: sandbox.kubeconfigPath, port, auth: { mode: 'proxy', trustedProxies: [`${PROXY_PEER}/32`] }, adminGroups: ['octant-admins'], sharedLog: { advertise: `http://127.0.0.1:${port}`, open: async (at) => log.open(at) } });
    apps.push(await onFreePort(start), await onFreePort(start));
    const [a, b] = apps;
    const shell = async () => {
      const started = await as(a, 'alice', '/exec', { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
      assert.is(started.status, 201, started.body);
      const id: string = started.json.sessionIds[0];
      await waitFor(async () => (await rowOf(b, id))?.state === 'interactive', `B listing ${id} running`);
      return id;
    };

    const one = await shell();
    assert.not.ok(b.system.holds(one), 'A holds it');
    const ended = await as(b, 'carol', `/sessions/${one}/end`, {});
    assert.is(ended.status, 200, ended.body);
    assert.equal(ended.json, { sessionId: one, ended: true });
    for (const app of [a, b]) await waitFor(async () => (await rowOf(app, one))?.stoppedBy === 'carol', 'both replicas list it ended by carol');
    await waitFor(() => sandbox.liveProcessGroups().length === 0, 'its shell gone', 15_000);

    const [first, second] = [await shell(), await shell()];
    // while the log does not answer, which terminals run where is not known for sure: nothing is ended
    log.setAvailable(false);
    for (const path of [`/sessions/${first}/end`, '/people/alice/end']) {
      const refused = await as(b, 'carol', path, {});
      assert.is(refused.status, 503, refused.body);
      assert.match(refused.json.error.message, 'nothing was ended');
    }
    log.setAvailable(true);
    const all = await as(b, 'carol', '/people/alice/end', {});
    assert.is(all.status, 200, all.body);
    assert.equal([...all.json.ended].sort(), [first, second].sort(), "A's answer, through B");
    for (const id of [first, second]) await waitFor(async () => (await rowOf(b, id))?.stopReason === 'endedByAdmin', `${id} ended`);
    await waitFor(() => sandbox.liveProcessGroups().length === 0, 'their shells gone', 15_000);
  } finally {
    for (const app of apps.reverse()) await app.close();
    await sandbox.close();
  }
});

test('a replica the person-wide end cannot ask: what was ended is listed, and the replica with why, in a 503; again once it answers', async () => {
  const log = new MemoryLog();
  // another replica, of an older build: no such route (404, as its API answers a path it lacks); later upgraded
  let upgraded = false;
  const older = createServer((_req, res) => {
    res.writeHead(upgraded ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(upgraded ? { user: 'alice', ended: ['old123-t1'], batches: [] } : { error: { status: 404, message: 'No API at /api/v1/people/alice/end: see docs/api.md.' } }));
  });
  await new Promise<void>((resolve) => older.listen(0, '127.0.0.1', resolve));
  const app = await onFreePort((port) =>
    startTestApp({ port, auth: { mode: 'proxy', trustedProxies: [`${PROXY_PEER}/32`] }, adminGroups: ['octant-admins'], sharedLog: { advertise: `http://127.0.0.1:${port}`, open: async (at) => log.open(at) } }),
  );
  try {
    log.open(`http://127.0.0.1:${(older.address() as AddressInfo).port}`, 'old123');
    log.append([{ type: 'session.spawned', sessionId: 'old123-t1', requestId: 'old123-r1', target: { namespace: 'default', pod: 'web', container: 'nginx' }, command: { argv: ['sh'] }, interactive: true, requestedBy: 'alice', person: { user: 'alice', groups: [] }, replica: 'old123', time: Date.now() }]);
    const started = await as(app, 'alice', '/exec', { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
    assert.is(started.status, 201, started.body);
    const here: string = started.json.sessionIds[0];
    await waitFor(async () => ['interactive', 'idle'].includes((await rowOf(app, here))?.state ?? ''), 'her shell here running');

    // the first call ends her shell here; the older replica answers once this one's watch lists it
    const answers: EndPersonReply[] = [];
    const partial = await waitFor(async () => {
      const answer = await as(app, 'carol', '/people/alice/end', {});
      answers.push(answer.json);
      return answer.status === 503 && answer;
    }, 'the older replica asked');
    assert.equal(answers[0].ended, [here], 'the first answer lists what was ended here');
    assert.equal(partial.json.unreached, [{ replica: 'old123', error: 'No API at /api/v1/people/alice/end: see docs/api.md.' }]);
    assert.is(partial.json.error.status, 503);
    assert.match(partial.json.error.message, /could not be asked .* Run it again/);
    assert.is((await rowOf(app, here))?.stoppedBy, 'carol');

    upgraded = true;
    const again = await as(app, 'carol', '/people/alice/end', {});
    assert.is(again.status, 200, again.body);
    assert.equal(again.json, { user: 'alice', ended: ['old123-t1'], batches: [] });
  } finally {
    await app.close();
    await new Promise((resolve) => older.close(resolve));
  }
});

test.run();

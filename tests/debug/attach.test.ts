// Attach through the real server to the sandbox: the terminal joins the console pod's main
// process (an interactive sh), closing the tab detaches and leaves it running, the process's exit
// code is the session's, and a container whose spec has no stdin is refused before anything is sent.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { StreamClient, call, openExec, sessionRow, sessionState, startTestApp } from '../server/support.ts';
import { waitFor } from '../support/wait.ts';

const app = await startTestApp();
test.after(() => app.close());

const consoleAttach = { namespace: 'default', pod: 'console', container: 'console', mode: { kind: 'attach' } };

async function attached(): Promise<{ id: string; tab: StreamClient }> {
  const [id] = await openExec(app, consoleAttach);
  const tab = await StreamClient.open(app);
  await tab.attach(id);
  await waitFor(async () => (await sessionState(app, id))?.state === 'interactive', 'the attach to connect', 15_000);
  return { id, tab };
}

test('attach reaches the main process, runs no command, and closing the tab detaches without ending it', async () => {
  const first = await attached();
  const row = await sessionRow(app, first.id);
  assert.equal(row.argv, []);
  assert.equal(row.mode, { kind: 'attach' });
  // a shell variable lives in that process only: seen again after a detach, it is the same process
  first.tab.type(first.id, 'KEPT=$((6*7)); echo "set $KEPT"\r');
  await first.tab.waitForText(first.id, 'set 42');
  assert.is((await call(app, `/api/v1/sessions/${first.id}/close`, { body: {} })).status, 200);
  await first.tab.close();

  const second = await attached();
  second.tab.type(second.id, 'echo "still $KEPT"\r');
  await second.tab.waitForText(second.id, 'still 42');
  const pod = await call(app, '/api/v1/namespaces/default/pods/console');
  assert.is(pod.json.pod.containers.find((c: { name: string }) => c.name === 'console').state, 'running');
  await call(app, `/api/v1/sessions/${second.id}/close`, { body: {} });
  await second.tab.close();
  const audit = await call(app, '/api/v1/audit');
  assert.ok(audit.json.records.some((r: { sessionId?: string; mode?: { kind: string } }) => r.sessionId === first.id && r.mode?.kind === 'attach'));
});

test('attach to a container whose spec has no stdin is refused with a sentence, and nothing starts', async () => {
  const before = (await call(app, '/api/v1/sessions')).json.sessions.length;
  const res = await call(app, '/api/v1/exec', { body: { namespace: 'default', pod: 'web', container: 'nginx', mode: { kind: 'attach' } } });
  assert.is(res.status, 409);
  assert.match(res.body, /was not started with stdin/);
  assert.is((await call(app, '/api/v1/sessions')).json.sessions.length, before);
});

test('an attach takes no command and one container', async () => {
  const withCommand = await call(app, '/api/v1/exec', { body: { ...consoleAttach, command: { shell: 'sh' } } });
  assert.is(withCommand.status, 400);
  assert.match(withCommand.body, /runs no command/);
  const all = await call(app, '/api/v1/exec', { body: { namespace: 'default', pod: 'console', containers: 'all', mode: { kind: 'attach' } } });
  assert.is(all.status, 400);
});

test("the attached process's exit code, which the attach does not carry, is read from its container's status", async () => {
  const own = await startTestApp(); // the console's process ends here: the other tests keep theirs
  try {
    const [id] = await openExec(own, consoleAttach);
    const tab = await StreamClient.open(own);
    await tab.attach(id);
    await waitFor(async () => (await sessionState(own, id))?.state === 'interactive', 'the attach to connect', 15_000);
    tab.type(id, 'exit 7\r');
    await waitFor(async () => (await sessionState(own, id))?.state === 'exited', 'the attach to end', 15_000);
    assert.is((await sessionRow(own, id)).exitCode, 7);
    const pod = await call(own, '/api/v1/namespaces/default/pods/console');
    assert.equal(pod.json.pod.containers.find((c: { name: string }) => c.name === 'console').exitCode, 7, 'the status it came from');
    await tab.close();
  } finally {
    await own.close();
  }
});

test('attach over SPDY/3.1 (the fallback transport) reaches the main process too', async () => {
  const spdy = await startTestApp({ execTransport: 'spdy' });
  try {
    const [id] = await openExec(spdy, consoleAttach);
    const tab = await StreamClient.open(spdy);
    await tab.attach(id);
    await waitFor(async () => (await sessionState(spdy, id))?.state === 'interactive', 'the attach to connect', 15_000);
    assert.match((await sessionRow(spdy, id)).protocol ?? '', /over SPDY\/3\.1/);
    tab.type(id, 'echo "spdy $((6*7))"\r');
    await tab.waitForText(id, 'spdy 42');
    await call(spdy, `/api/v1/sessions/${id}/close`, { body: {} });
    await tab.close();
  } finally {
    await spdy.close();
  }
});

test.run();

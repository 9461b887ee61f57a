// Debug containers through the real server against the sandbox: a Debug action on distroless-app
// (no shell) adds a busybox debug container in its process namespace, whose shell sees the app's
// files through /proc/1/root; a second Debug reuses that container with a shell of its own; an
// image not on the server's list is refused before any cluster call. A native sidecar may be a
// target (it runs for the pod's life); a plain init container, which has finished, may not.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { StreamClient, call, openExec, sessionRow, sessionState, startTestApp } from '../server/support.ts';
import { waitFor } from '../support/wait.ts';

const app = await startTestApp();
test.after(() => app.close());

const debugApp = { namespace: 'default', pod: 'distroless-app', container: 'app', mode: { kind: 'debug', image: 'busybox:1.36' } };

async function debugTerminal(): Promise<{ id: string; tab: StreamClient }> {
  const [id] = await openExec(app, debugApp);
  const tab = await StreamClient.open(app);
  await tab.attach(id);
  await waitFor(async () => (await sessionState(app, id))?.state === 'interactive', 'the debug shell to connect', 30_000);
  return { id, tab };
}

const ephemeralOf = async () => (await call(app, '/api/v1/namespaces/default/pods/distroless-app')).json.pod.containers.filter((c: { kind: string }) => c.kind === 'ephemeral');

test('Debug on a distroless container: a busybox debug container in its process namespace sees its files via /proc/1/root', async () => {
  const { id, tab } = await debugTerminal();
  const row = await sessionRow(app, id);
  assert.match(row.debugContainer ?? '', /^debugger-[a-z0-9]{5}$/);
  assert.equal(row.mode, { kind: 'debug', image: 'busybox:1.36' });
  assert.equal(row.argv, ['sh']);
  // its own image is busybox; the target's root, through its process 1, is the distroless image's
  tab.type(id, 'grep PRETTY /etc/os-release /proc/1/root/etc/os-release\r');
  await tab.waitForText(id, /\/proc\/1\/root\/etc\/os-release:PRETTY_NAME="gcr\.io\/distroless\/static:nonroot/);
  await tab.waitForText(id, /[\n]\/etc\/os-release:PRETTY_NAME="busybox:1\.36/);
  const ephemeral = await ephemeralOf();
  assert.equal(ephemeral.map((c: { name: string; image: string; state: string }) => [c.name, c.image, c.state]), [[row.debugContainer, 'busybox:1.36', 'running']]);
  await call(app, `/api/v1/sessions/${id}/close`, { body: {} });
  await tab.close();
});

test('a second Debug of the same target and image reuses the running debug container, with its own shell', async () => {
  const first = await debugTerminal();
  first.tab.type(first.id, 'MINE=first; echo "shell $$"\r');
  await first.tab.waitForText(first.id, /shell \d+/);
  const second = await debugTerminal();
  const [a, b] = [await sessionRow(app, first.id), await sessionRow(app, second.id)];
  assert.is(b.debugContainer, a.debugContainer, 'the same debug container');
  assert.is((await ephemeralOf()).length, 1, 'no second debug container was added');
  second.tab.type(second.id, 'echo "sees [${MINE}]"\r');
  await second.tab.waitForText(second.id, 'sees []'); // not the first tab's shell
  for (const t of [first, second]) {
    await call(app, `/api/v1/sessions/${t.id}/close`, { body: {} });
    await t.tab.close();
  }
  const audit = (await call(app, '/api/v1/audit')).json.records;
  assert.ok(audit.some((r: { sessionId?: string; mode?: { kind: string } }) => r.sessionId === second.id && r.mode?.kind === 'debug'));
});

test("Debug on a native sidecar (meshed's proxy): the debug container runs in its process namespace, seeing its files", async () => {
  const marked = await openExec(app, { namespace: 'default', pod: 'meshed', container: 'proxy', interactive: false, command: { argv: ['touch', '/tmp/proxy-was-here'] } });
  await waitFor(async () => (await sessionRow(app, marked[0]))?.exitCode === 0, 'the mark in the sidecar', 30_000);
  const [id] = await openExec(app, { namespace: 'default', pod: 'meshed', container: 'proxy', mode: { kind: 'debug', image: 'busybox:1.36' } });
  const tab = await StreamClient.open(app);
  await tab.attach(id);
  await waitFor(async () => (await sessionState(app, id))?.state === 'interactive', 'the debug shell in the sidecar', 30_000);
  tab.type(id, 'ls /proc/1/root/tmp\r');
  await tab.waitForText(id, 'proxy-was-here');
  await call(app, `/api/v1/sessions/${id}/close`, { body: {} });
  await tab.close();
});

test("Debug on a completed init container (meshed's setup) fails with a sentence saying why, and nothing is added", async () => {
  const debugContainers = async () => (await call(app, '/api/v1/namespaces/default/pods/meshed')).json.pod.containers.filter((c: { kind: string }) => c.kind === 'ephemeral').length;
  const before = await debugContainers();
  const [id] = await openExec(app, { namespace: 'default', pod: 'meshed', container: 'setup', mode: { kind: 'debug', image: 'busybox:1.36' } });
  const row = await waitFor(async () => ((await sessionState(app, id))?.state === 'failed' ? sessionRow(app, id) : undefined), 'the refusal', 15_000);
  assert.match(row.failure?.message ?? '', 'Container "setup" of pod "meshed" is an init container: it runs only until it finishes');
  assert.is(await debugContainers(), before);
});

test('a debug image not on the list is refused, naming the list, and nothing is added', async () => {
  const before = (await ephemeralOf()).length;
  const res = await call(app, '/api/v1/exec', { body: { ...debugApp, mode: { kind: 'debug', image: 'alpine:3.20' } } });
  assert.is(res.status, 400);
  assert.match(res.json.error.message, /"alpine:3\.20" is not allowed here: this server offers busybox:1\.36/);
  assert.is((await ephemeralOf()).length, before);
  const info = await call(app, '/api/v1/info');
  assert.equal(info.json.debugImages, ['busybox:1.36']);
});

test.run();

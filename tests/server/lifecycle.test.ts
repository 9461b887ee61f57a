// A terminal's life around the socket: the idle timeout, a browser that vanishes without a close
// frame, a server restart on the same state directory, and the user's own kubeconfig.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamClient, call, openExec, sessionRow, sessionState, startTestApp, type TestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { isEnded } from '../../src/protocol/terminal-states.ts';

test('idle for the timeout: the exec ends, an alert is raised, the terminal keeps its scrollback', async () => {
  const app = await startTestApp({ idleTimeoutSeconds: 2 });
  try {
    const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
    const tab = await StreamClient.open(app);
    await tab.attach(id);
    tab.type(id, 'echo idle-$((4+4))\r');
    await tab.waitForText(id, /idle-8\r\n/);
    await waitFor(async () => (await sessionState(app, id))?.state === 'timedOut', 'the idle timeout', 15_000);
    const alerts = await call(app, '/api/v1/alerts');
    assert.ok(alerts.json.alerts.some((a: { sessionId: string; kind: string }) => a.sessionId === id && a.kind === 'timedOut'));
    await tab.next('alerts', (m) => m.alerts.some((a: { sessionId: string; kind: string }) => a.sessionId === id && a.kind === 'timedOut'), 'the alert pushed');
    const audit = await call(app, '/api/v1/audit');
    assert.equal(audit.json.records.find((r: { sessionId?: string }) => r.sessionId === id).outcome, { kind: 'timedOut' });
    const later = await StreamClient.open(app);
    const attached = await later.attach(id);
    assert.is(attached.running, false);
    assert.is(attached.session.state, 'timedOut');
    await later.waitForText(id, /idle-8\r\n/);
    // restart runs it again in the same session
    const restarted = await call(app, `/api/v1/sessions/${id}/restart`, { body: {} });
    assert.is(restarted.status, 200);
    assert.is(restarted.json.run, 2);
    await later.next('stream', (m) => m.sessionId === id && m.state === 'opened', 'the new run');
    later.type(id, 'echo again-$((4+5))\r');
    await later.waitForText(id, /again-9\r\n/);
    await tab.close();
    await later.close();
  } finally {
    await app.close();
  }
});

/** A socket that completes the upgrade and then never answers a ping: a browser that vanished. */
function silentSocket(app: TestApp): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(app.port, '127.0.0.1', () =>
      socket.write(
        `GET /api/v1/stream HTTP/1.1\r\nHost: ${app.host}\r\nOrigin: ${app.origin}\r\nAuthorization: Bearer ${app.token}\r\n` +
          'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      ),
    );
    socket.once('data', (chunk) => (chunk.toString().startsWith('HTTP/1.1 101') ? resolve() : reject(new Error(chunk.toString()))));
    socket.on('error', () => {});
  });
}

test('a browser that vanishes without a close frame is dropped by the heartbeat; its terminal keeps running', async () => {
  const app = await startTestApp({ hub: { pingIntervalMs: 200 } });
  try {
    const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
    await waitFor(async () => (await sessionState(app, id))?.state === 'interactive', 'the shell to connect', 15_000);
    await silentSocket(app);
    assert.is(app.hub.clientCount, 1);
    await waitFor(() => app.hub.clientCount === 0, 'the heartbeat to drop the silent socket', 5_000);
    assert.ok(app.system.io.isRunning(id));
    assert.is((await sessionRow(app, id)).state, 'interactive');
  } finally {
    await app.close();
  }
});

test('a restart on the same state directory brings the session list back, old sessions disconnected', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-restart-'));
  try {
    const first = await startTestApp({ stateDir: dir });
    const [ended] = await openExec(first, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['sh', '-c', 'exit 3'] }, interactive: false });
    const [live] = await openExec(first, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
    await waitFor(async () => (await sessionState(first, ended))?.state === 'exited', 'the first command to exit', 15_000);
    await waitFor(async () => (await sessionState(first, live))?.state === 'interactive', 'the shell to connect', 15_000);
    const oldToken = first.token;
    await first.close();

    const second = await startTestApp({ stateDir: dir });
    try {
      assert.is.not(second.token, oldToken);
      assert.is((await call(second, '/api/v1/sessions', { token: oldToken })).status, 401);
      const sessions = (await call(second, '/api/v1/sessions')).json.sessions;
      assert.equal(sessions.map((s: { sessionId: string }) => s.sessionId), [ended, live]);
      assert.is(sessions[0].state, 'exited');
      assert.is(sessions[0].exitCode, 3);
      assert.is(sessions[1].state, 'disconnected');
      assert.is(sessions[1].disconnectReason, 'serverShutdown');
      const asked = Date.now();
      const tab = await StreamClient.open(second);
      const { hello } = tab;
      assert.is(hello.sessions.length, 2);
      // the server's clock as the hello left, which the page's idle countdown counts on: not its last event's time
      const now = hello.now ?? Number.NaN;
      assert.ok(now >= asked && now - asked < 60_000, `hello.now ${hello.now}, asked at ${asked}`);
      const attached = await tab.attach(live);
      assert.is(attached.restored, true);
      assert.is(attached.running, false);
      // restarting an old session opens a fresh exec in the new sandbox
      assert.is((await call(second, `/api/v1/sessions/${live}/restart`, { body: {} })).status, 200);
      await waitFor(async () => (await sessionState(second, live))?.state === 'interactive', 'the restarted shell', 15_000);
      tab.type(live, 'echo back-$((6+6))\r');
      await tab.waitForText(live, /back-12\r\n/);
      await tab.close();
      const events = (await call(second, '/api/v1/events?after=0&limit=3')).json;
      assert.is(events.entries.length, 3);
      assert.is(events.entries[0].seq, 1);
      assert.is(events.next, 3);
      assert.not.ok(JSON.stringify((await call(second, '/api/v1/events?limit=1000')).json).includes(second.token));
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with a usable kubeconfig the server uses it: contexts, namespaces, pods with container states, an exec', async () => {
  const cluster = await startTestSandbox();
  const app = await startTestApp({ sandbox: false, kubeconfig: cluster.kubeconfigPath });
  try {
    assert.is(app.cluster, 'kubeconfig');
    assert.is(app.sandbox, undefined);
    assert.match(app.clusterNote, new RegExp(`context "${cluster.context}" from ${cluster.kubeconfigPath}`));
    const contexts = (await call(app, '/api/v1/contexts')).json.contexts;
    assert.is(contexts.length, 1);
    assert.is(contexts[0].current, true);
    assert.ok((await call(app, '/api/v1/namespaces')).json.namespaces.includes('batch'));
    const pods = (await call(app, '/api/v1/namespaces/default/pods')).json.pods;
    const web = pods.find((p: { name: string }) => p.name === 'web');
    assert.is(web.defaultContainer, 'nginx');
    assert.equal(web.containers.map((c: { name: string; state: string }) => `${c.name}:${c.state}`), ['sidecar:running', 'nginx:running']);
    const crash = (await call(app, '/api/v1/namespaces/default/pods/crashloop')).json.pod;
    assert.is(crash.containers[0].state, 'waiting');
    assert.is(crash.containers[0].reason, 'CrashLoopBackOff');
    assert.is((await call(app, '/api/v1/namespaces/default/pods/nope')).status, 404);
    assert.is((await call(app, '/api/v1/exec', { body: { namespace: 'default', pod: 'crashloop', containers: 'all' } })).status, 409);
    const before = cluster.execCount();
    const [id] = await openExec(app, { namespace: 'batch', pod: 'worker-1', containers: ['main'], command: { argv: ['sh', '-c', 'echo worker-$WORKER_INDEX'] }, interactive: false });
    const tab = await StreamClient.open(app);
    await tab.attach(id);
    await tab.waitForText(id, 'worker-1');
    await waitFor(async () => (await sessionState(app, id))?.state === 'exited', 'the command to exit', 15_000);
    assert.is(cluster.execCount(), before + 1);
    const record = (await call(app, '/api/v1/audit')).json.records.find((r: { sessionId?: string }) => r.sessionId === id);
    assert.is(record.who, cluster.context); // the kubeconfig user the sandbox writes
    await tab.close();
  } finally {
    await app.close();
    await cluster.close();
  }
});

test('the socket pushes live pod lists; a deleted pod ends its sessions with the reason podDeleted', async () => {
  const app = await startTestApp();
  try {
    const tab = await StreamClient.open(app);
    tab.send({ type: 'watchPods', namespace: 'batch' });
    const first = await tab.next('pods', (m) => m.namespace === 'batch', 'the pod list');
    assert.equal(first.pods.map((p: { name: string }) => p.name), ['worker-0', 'worker-1', 'worker-2']);
    assert.equal(first.pods[0].containers.map((c: { name: string; state: string }) => `${c.name}:${c.state}`), ['main:running', 'logger:running']);
    const [id] = await openExec(app, { namespace: 'batch', pod: 'worker-2', containers: ['main'], command: { shell: 'sh' } });
    await waitFor(async () => (await sessionState(app, id))?.state === 'interactive', 'the shell to connect', 15_000);
    const seen = tab.messages.length;
    assert.ok(app.sandbox!.deletePod('batch', 'worker-2'));
    const after = await tab.next('pods', (m) => m.namespace === 'batch', 'the pod list without worker-2', seen);
    assert.equal(after.pods.map((p: { name: string }) => p.name), ['worker-0', 'worker-1']);
    await waitFor(async () => isEnded((await sessionRow(app, id)).state), 'the session to end', 15_000);
    const row = await sessionRow(app, id);
    assert.is(row.state, 'disconnected', JSON.stringify(row));
    assert.is(row.disconnectReason, 'podDeleted');
    tab.send({ type: 'unwatchPods', namespace: 'batch' });
    tab.send({ type: 'watchPods', namespace: 'Bad/Name' });
    const error = await tab.next('error', () => true, 'the bad namespace error', seen);
    assert.is(error.code, 'badMessage');
    await tab.close();
  } finally {
    await app.close();
  }
});

test('limits: --max-sessions refuses with a sentence; input over the rate is dropped with an error', async () => {
  const app = await startTestApp({ maxSessions: 1, hub: { inputBytesPerSecond: 1000 } });
  try {
    const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
    const refused = await call(app, '/api/v1/exec', { body: { namespace: 'default', pod: 'web', containers: ['sidecar'] } });
    assert.is(refused.status, 429);
    assert.is((await call(app, '/api/v1/info')).json.maxSessions, 1, 'GET /info says the limit in force');
    assert.ok(refused.json.error.message.length > 20, refused.json.error.message);
    const audit = (await call(app, '/api/v1/audit')).json.records;
    assert.ok(audit.some((r: { outcome?: { kind: string } }) => r.outcome?.kind === 'refused'));
    const tab = await StreamClient.open(app);
    await tab.attach(id);
    const seen = tab.messages.length;
    tab.type(id, 'x'.repeat(5000)); // over the burst of 4 s × 1000 bytes
    const error = await tab.next('error', () => true, 'the rate error', seen);
    assert.is(error.code, 'rateLimited');
    await tab.close();
  } finally {
    await app.close();
  }
});

test('no permission to exec: the session fails with a sentence naming pods/exec, and an alert', async () => {
  const app = await startTestApp();
  try {
    const [id] = await openExec(app, { namespace: 'restricted', pod: 'secret-db', containers: ['db'], command: { shell: 'auto' } });
    await waitFor(async () => (await sessionState(app, id))?.state === 'failed', 'the exec to fail', 15_000);
    const row = await sessionRow(app, id);
    assert.is(row.failure?.reason, 'forbidden');
    assert.match(row.failure?.message ?? '', /pods\/exec/);
    const alerts = (await call(app, '/api/v1/alerts')).json.alerts;
    assert.ok(alerts.some((a: { sessionId: string; kind: string }) => a.sessionId === id && a.kind === 'failed'));
  } finally {
    await app.close();
  }
});

test.run();

// Debug copies through the real server against the sandbox: a copy of crashloop whose container
// sleeps runs a shell; the copy is deleted when its terminal is closed, when it times out, and,
// for copies left behind by a server that stopped, at the next start.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamClient, call, openExec, sessionRow, sessionState, startTestApp, type TestApp } from '../server/support.ts';
import { waitFor } from '../support/wait.ts';
import { startTestSandbox } from '../support/sandbox.ts';

const copyOfCrashloop = { namespace: 'default', pod: 'crashloop', container: 'app', mode: { kind: 'copy' } };

const podNames = async (app: TestApp) => (await call(app, '/api/v1/namespaces/default/pods')).json.pods.map((p: { name: string }) => p.name) as string[];
const copies = async (app: TestApp) => (await podNames(app)).filter((name) => name.startsWith('crashloop-debug-'));

async function copyTerminal(app: TestApp, extra: Record<string, unknown> = {}): Promise<{ id: string; copy: string }> {
  const [id] = await openExec(app, { ...copyOfCrashloop, ...extra });
  const row = await sessionRow(app, id);
  // connected, however briefly a poll could see it: with a 2 s idle timeout it may be idle or timed out by then
  await waitFor(async () => ['interactive', 'idle', 'timedOut'].includes((await sessionState(app, id))?.state ?? ''), 'the shell in the copy to connect', 30_000);
  return { id, copy: row.target.pod };
}

test('a debug copy of crashloop runs a shell, says what it copies, and is deleted when its terminal is closed', async () => {
  const app = await startTestApp();
  try {
    const { id, copy } = await copyTerminal(app);
    assert.match(copy, /^crashloop-debug-[a-z0-9]{5}$/);
    const row = await sessionRow(app, id);
    assert.equal(row.mode, { kind: 'copy', source: 'crashloop' });
    const tab = await StreamClient.open(app);
    await tab.attach(id);
    tab.type(id, 'echo "in $(cat /etc/hostname) $((40+2))"\r');
    await tab.waitForText(id, `in ${copy} 42`);
    // the copy, as the cluster has it: the chosen container sleeps, the original's labels are gone
    const pod = (await call(app, `/api/v1/namespaces/default/pods/${copy}`)).json.pod;
    assert.equal(pod.labels, { 'octant-exec.io/debug-copy': 'true' });
    assert.is(pod.containers[0].state, 'running');
    assert.is((await call(app, `/api/v1/sessions/${id}/close`, { body: {} })).status, 200);
    await waitFor(async () => !(await podNames(app)).includes(copy), 'the copy to be deleted after the close', 15_000);
    assert.ok((await podNames(app)).includes('crashloop'), 'the original stays');
    await tab.close();
  } finally {
    await app.close();
  }
});

test('a debug copy is deleted when its terminal times out idle, and its Restart says so', async () => {
  const app = await startTestApp();
  try {
    const { id, copy } = await copyTerminal(app, { idleTimeoutSeconds: 2 });
    await waitFor(async () => (await sessionState(app, id))?.state === 'timedOut', 'the idle timeout', 15_000);
    await waitFor(async () => !(await podNames(app)).includes(copy), 'the copy to be deleted after the timeout', 15_000);
    // a Restart would exec into a pod that is gone: it says why instead, and starts nothing
    const restart = await call(app, `/api/v1/sessions/${id}/restart`, { body: {} });
    assert.is(restart.status, 409);
    assert.match(restart.json.error.message, `The debug copy "${copy}" was deleted (its terminal timed out)`);
    assert.is((await sessionRow(app, id)).run, 1);
  } finally {
    await app.close();
  }
});

test('copies left by a server that stopped with their terminals open are deleted at its next start', async () => {
  // one cluster outliving both servers, as a real one does
  const cluster = await startTestSandbox();
  const stateDir = mkdtempSync(join(tmpdir(), 'octant-exec-copy-leftover-'));
  const onCluster = { stateDir, sandbox: false, kubeconfig: cluster.kubeconfigPath };
  try {
    const first = await startTestApp(onCluster);
    const { copy } = await copyTerminal(first);
    await first.close();
    const second = await startTestApp(onCluster);
    try {
      await waitFor(async () => (await copies(second)).length === 0, `the leftover ${copy} to be deleted`, 15_000);
      assert.ok((await podNames(second)).includes('crashloop'));
    } finally {
      await second.close();
    }
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
    await cluster.close();
  }
});

test('a server that stops leaves its open copies for the next start (the close is not a delete)', async () => {
  const cluster = await startTestSandbox();
  const stateDir = mkdtempSync(join(tmpdir(), 'octant-exec-copy-kept-'));
  try {
    const first = await startTestApp({ stateDir, sandbox: false, kubeconfig: cluster.kubeconfigPath });
    const { copy } = await copyTerminal(first);
    await first.close();
    const left = await startTestApp({ stateDir: mkdtempSync(join(tmpdir(), 'octant-exec-other-')), sandbox: false, kubeconfig: cluster.kubeconfigPath });
    try {
      assert.equal(await copies(left), [copy], 'another server (another log) does not touch it');
    } finally {
      await left.close();
      rmSync(left.dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
    await cluster.close();
  }
});

test.run();

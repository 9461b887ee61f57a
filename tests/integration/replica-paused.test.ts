// A replica paused (SIGSTOP) past its lease and then resumed: meanwhile another replica marks its
// terminals disconnected (replicaLost) and can restart them; once it runs again it finds its
// lease gone, writes nothing more as their owner, and stops (exit 1) for its Deployment to start
// it afresh.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { startCli, type Cli } from '../support/cli.ts';
import { freePort } from '../support/free-port.ts';
import { startCluster, type PgCluster } from '../support/postgres.ts';
import { processTree } from '../support/process-tree.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

const test = suite('a replica paused past its lease', { deadlineMs: 180_000 });
const TOKEN = 'paused-replica-test-token'.padEnd(43, 'y');

async function api(port: number, path: string, method = 'GET', body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json().catch(() => ({})) };
}

const signal = (cli: Cli, name: 'SIGSTOP' | 'SIGCONT') => {
  for (const pid of processTree(cli.child.pid!)) process.kill(pid, name);
};

test('its terminals are ended by the other replica, and once resumed it stops without writing as their owner', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-paused-'));
  let cluster: PgCluster | undefined;
  let sandbox: Awaited<ReturnType<typeof startTestSandbox>> | undefined;
  const clis: Cli[] = [];
  try {
    cluster = await startCluster();
    const storeUrl = await cluster.createDatabase();
    writeFileSync(join(dir, 'store-url'), storeUrl, { mode: 0o600 });
    writeFileSync(join(dir, 'token'), TOKEN, { mode: 0o600 });
    sandbox = await startTestSandbox();
    const ports = [await freePort(), await freePort()];
    for (const [i, port] of ports.entries()) {
      clis.push(startCli(['serve', '--kubeconfig', sandbox.kubeconfigPath, '--state-dir', join(dir, `r${i}`), '--port', String(port), '--store-file', join(dir, 'store-url'), '--advertise', `http://127.0.0.1:${port}`, '--token-file', join(dir, 'token')]));
    }
    const ids: string[] = [];
    for (const cli of clis) {
      const line = await waitFor(() => cli.stdout.find((l) => /as replica [a-z0-9]{6} /.test(l)), 'a replica ready', 60_000);
      ids.push(/as replica ([a-z0-9]{6}) /.exec(line)![1]);
    }
    const [paused, other] = clis;
    const opened = await api(ports[0], '/api/v1/exec', 'POST', { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
    assert.is(opened.status, 201, JSON.stringify(opened.json));
    const [sessionId] = opened.json.sessionIds as string[];
    await waitFor(async () => (await api(ports[1], '/api/v1/sessions')).json.sessions.find((r: { sessionId: string; state: string }) => r.sessionId === sessionId && r.state === 'interactive'), 'the terminal live, as the other replica lists it');

    signal(paused, 'SIGSTOP');
    const stoppedAt = Date.now();
    await waitFor(async () => (await api(ports[1], '/api/v1/sessions')).json.sessions.find((r: { sessionId: string; disconnectReason?: string }) => r.sessionId === sessionId && r.disconnectReason === 'replicaLost'), 'the other replica marks it disconnected', 20_000);
    assert.ok(Date.now() - stoppedAt < 15_000, `within 15 s (${Date.now() - stoppedAt} ms)`);
    const restarted = await api(ports[1], `/api/v1/sessions/${sessionId}/restart`, 'POST', {});
    assert.is(restarted.status, 200, JSON.stringify(restarted.json));
    const database = new URL(storeUrl).pathname.slice(1);
    const [{ last }] = await cluster.admin<{ last: string }>(database, 'SELECT coalesce(max(seq), 0) AS last FROM entries');

    signal(paused, 'SIGCONT');
    const code = await withTimeout(paused.exit, 30_000, 'the resumed replica to stop by itself');
    assert.is(code, 1, paused.stderr());
    assert.match(paused.stderr(), /lost its lease/);
    const written = await cluster.admin<{ n: string }>(database, 'SELECT count(*) AS n FROM entries WHERE seq > $1 AND replica = $2', [last, ids[0]]);
    assert.is(Number(written[0].n), 0, 'nothing written by it after it was reaped');
    const row = (await api(ports[1], '/api/v1/sessions')).json.sessions.find((r: { sessionId: string }) => r.sessionId === sessionId);
    assert.is(row.replica, ids[1], 'the terminal runs on the other replica');
    assert.is(row.state, 'interactive');
    assert.ok(other.child.exitCode === null, 'the other replica runs on');
  } finally {
    for (const cli of clis) {
      if (cli.child.exitCode !== null || cli.child.signalCode !== null) continue;
      signal(cli, 'SIGCONT');
      cli.child.kill('SIGTERM');
      await withTimeout(cli.exit, 20_000, 'a replica to stop').catch(() => cli.child.kill('SIGKILL'));
    }
    await sandbox?.close();
    await cluster?.remove();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

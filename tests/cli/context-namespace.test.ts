// Without -n, exec, attach, debug and cp look in the namespace of the server's kubeconfig context,
// as kubectl looks in its context's (GET /api/v1/contexts says it), and completion offers the
// pods of that same namespace: what it offers is what the command then finds. Here the server's
// context names "batch", while this user's own kubeconfig (completion's cluster) names "default".
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { runCli } from '../support/cli.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { startTestApp } from '../server/support.ts';

const sandbox = await startTestSandbox();
const kubeconfig = join(sandbox.scratch, 'batch-kubeconfig');
const own = readFileSync(sandbox.kubeconfigPath, 'utf8');
assert.match(own, /namespace: "?default"?/);
writeFileSync(kubeconfig, own.replace(/namespace: "?default"?/, 'namespace: "batch"'), { mode: 0o600 });
const app = await startTestApp({ sandbox: false, kubeconfig });
test.after(async () => {
  await app.close();
  await sandbox.close();
});
const env = { OCTANT_EXEC_URL: `http://127.0.0.1:${app.port}/`, OCTANT_EXEC_TOKEN: app.token, KUBECONFIG: sandbox.kubeconfigPath };
const cli = (...args: string[]) => runCli(args, 60_000, { env });

test("exec without -n runs in the server context's namespace; -n and NAMESPACE/POD still choose", async () => {
  const run = await cli('exec', '-c', 'main', 'worker-0', '--', 'hostname');
  assert.is(run.code, 0, run.stderr);
  assert.is(run.stdout, 'worker-0\n');
  const named = await cli('exec', '-n', 'default', '-c', 'nginx', 'web', '--', 'true');
  assert.is(named.code, 0, named.stderr);
  const missing = await cli('exec', 'web', '--', 'true');
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /namespace "batch"/, 'the pod is looked for in the context\'s namespace, and the sentence names it');
});

test("cp without a namespace: up to and down from the server context's namespace", () =>
  withTempDir(async (dir) => {
    writeFileSync(join(dir, 'up.txt'), 'context namespace\n');
    const up = await cli('cp', '-c', 'main', join(dir, 'up.txt'), 'worker-1:/tmp/up.txt');
    assert.is(up.code, 0, up.stderr);
    const down = await cli('cp', '-c', 'main', 'worker-1:/tmp/up.txt', join(dir, 'down.txt'));
    assert.is(down.code, 0, down.stderr);
    assert.is(readFileSync(join(dir, 'down.txt'), 'utf8'), 'context namespace\n');
  }));

test("completion offers the pods of the server context's namespace, where the command looks, not the local kubeconfig's", async () => {
  const pods = await cli('__complete', 'exec', 'worker-');
  assert.is(pods.code, 0, pods.stderr);
  assert.equal(pods.stdout.split('\n').filter(Boolean), ['worker-0', 'worker-1', 'worker-2']);
  const containers = await cli('__complete', 'exec', 'worker-0', '-c', '');
  assert.equal(containers.stdout.split('\n').filter(Boolean).sort(), ['logger', 'main']);
  // batch goes to the cluster itself, with the local kubeconfig: its namespace is that kubeconfig's
  const batch = await cli('__complete', 'batch', 'we');
  assert.equal(batch.stdout.split('\n').filter(Boolean), ['web']);
});

test('completion with a server that takes the connection and says nothing (a dead port-forward): the kubeconfig\'s namespace, in time', async () => {
  const silent = createServer(() => {}); // accepts, never answers
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const port = (silent.address() as AddressInfo).port;
    const pods = await runCli(['__complete', 'exec', 'we'], 60_000, { env: { ...env, OCTANT_EXEC_URL: `http://127.0.0.1:${port}/` } });
    assert.is(pods.code, 0, pods.stderr);
    assert.equal(pods.stdout.split('\n').filter(Boolean), ['web']);
  } finally {
    silent.close();
  }
});

test.run();

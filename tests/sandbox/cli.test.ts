// `octant-exec sandbox` as a process: one JSON line when ready (with each user's kubeconfig and
// the audit log), a kubeconfig that works, exit 0 on SIGTERM with every exec ended, exit 2 with a
// one-line error on bad flags.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { waitFor, withTimeout } from '../support/wait.ts';
import { parseSandboxArgs } from '../../src/cli/sandbox-command.ts';

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined';
// The CLI runs under the same runtime as the tests.
const runtime = isDeno ? [process.execPath, 'run', '-A', 'src/cli/main.ts'] : [process.execPath, '--import', 'tsx', 'src/cli/main.ts'];

test('flags parse; unknown flags and bad values are refused', () => {
  assert.equal(parseSandboxArgs(['--port', '0', '--json', '--fixture=f.json']), { options: { port: 0, fixture: 'f.json' }, json: true, help: false });
  assert.throws(() => parseSandboxArgs(['--bogus']), /unknown option "--bogus"/);
  assert.throws(() => parseSandboxArgs(['--port', 'x']), /--port must be a number/);
  assert.throws(() => parseSandboxArgs(['--port', '70000']), /--port must be a number/);
  assert.throws(() => parseSandboxArgs(['--fixture']), /--fixture needs a value/);
  assert.is(parseSandboxArgs(['--sandbox-unisolated']).options.isolation, 'none');
});

test('a bad flag exits 2 with one line on stderr', () => {
  const result = spawnSync(runtime[0], [...runtime.slice(1), 'sandbox', '--nope'], { encoding: 'utf8' });
  assert.is(result.status, 2);
  assert.is(result.stderr.trim().split('\n').length, 1);
  assert.match(result.stderr, 'unknown option "--nope"');
});

test('--json prints one line when ready; SIGTERM ends the execs and exits 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-cli-'));
  const kubeconfig = join(dir, 'kc.yaml');
  const child = spawn(runtime[0], [...runtime.slice(1), 'sandbox', '--port', '0', '--json', '--kubeconfig-out', kubeconfig, '--state-dir', join(dir, 'state')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout!.on('data', (c) => (stdout += c));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  try {
    await withTimeout(new Promise<void>((resolve) => child.stdout!.on('data', () => stdout.includes('\n') && resolve())), 30_000, 'the ready line');
    const ready = JSON.parse(stdout.split('\n')[0]);
    assert.match(ready.server, /^https:\/\/127\.0\.0\.1:\d+$/);
    // Each user's kubeconfig next to the admin's, the audit log in the state folder.
    const users = Object.fromEntries(['alice', 'bob', 'carol', 'octant-exec'].map((name) => [name, join(dir, `kc-${name}.yaml`)]));
    assert.equal(ready, { server: ready.server, kubeconfig, context: 'octant-exec-sandbox', isolation: 'bubblewrap', users, audit: join(dir, 'state', 'audit.jsonl') });
    for (const path of [...Object.values(users), ready.audit]) assert.ok(existsSync(path), path);

    // A long exec through a real kubectl, then SIGTERM to the sandbox.
    const kubectl = spawn('/usr/lib/google-cloud-sdk/bin/kubectl.1.33', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'exec', 'web', '--', 'sleep', '300'], { stdio: 'ignore', env: { HOME: dir, PATH: '/usr/bin:/bin' } });
    const kubectlDone = new Promise<void>((resolve) => kubectl.once('close', () => resolve()));
    const sleeping = () => spawnSync('pgrep', ['-f', '-x', 'sleep 300'], { encoding: 'utf8' }).stdout.trim();
    const deadline = Date.now() + 15_000;
    while (!sleeping() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const pids = sleeping().split('\n').filter(Boolean).map(Number);
    assert.ok(pids.length > 0, 'the exec started');
    // process.kill, not child.kill: Deno's child.kill records the signal as the cause of death
    // even when the child handles it and exits 0.
    process.kill(child.pid!, 'SIGTERM');
    assert.is(await withTimeout(exited, 15_000, 'the sandbox to exit'), 0);
    assert.is(stdout.trim().split('\n').length, 1);
    await withTimeout(kubectlDone, 15_000, 'kubectl to end');
    // Killed with their container: gone once reaped, a moment after the sandbox exits.
    await waitFor(() => pids.every((pid) => !existsSync(`/proc/${pid}`)), `sleep ${pids.join(', ')} to end`, 10_000);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

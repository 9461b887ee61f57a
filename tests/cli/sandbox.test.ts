// `octant-exec sandbox` as a process: one JSON line when ready (with each user's kubeconfig and
// the audit log), a kubeconfig that works, exit 0 on SIGTERM with every exec ended, exit 2 with
// a one-line error on bad flags; and its flags.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { cliArgv } from '../support/cli.ts';
import { removeKilledStateDir } from '../support/killed-state-dir.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import { parseFlags } from '../../src/cli/flags.ts';
import { sandboxOptions } from '../../src/cli/sandbox/sandbox-options.ts';
import { sandboxSpec } from '../../src/cli/sandbox/sandbox-spec.ts';

// The CLI runs under the same runtime as the tests (support/cli.ts).
const runtime = cliArgv([]);

const parseSandboxArgs = (args: string[]) => sandboxOptions(parseFlags(sandboxSpec, args).values);

test('flags parse; unknown flags and bad values are refused', () => {
  assert.equal(parseSandboxArgs(['--port', '0', '--json', '--fixture=f.json']), { port: 0, fixture: 'f.json' });
  assert.throws(() => parseSandboxArgs(['--bogus']), /unknown option "--bogus"/);
  assert.throws(() => parseSandboxArgs(['--port', 'x']), /--port takes a whole number from 0 to 65535, not "x"/);
  assert.throws(() => parseSandboxArgs(['--port', '70000']), /--port takes a whole number from 0 to 65535/);
  assert.throws(() => parseSandboxArgs(['--fixture']), /--fixture needs a value/);
  assert.is(parseSandboxArgs(['--sandbox-unisolated']).isolation, 'none');
});

test('--exec-transports takes websocket, spdy or both, comma-separated', () => {
  assert.equal(parseSandboxArgs(['--exec-transports', 'spdy']), { execTransports: ['spdy'] });
  assert.equal(parseSandboxArgs(['--exec-transports=websocket,spdy']), { execTransports: ['websocket', 'spdy'] });
  assert.equal(parseSandboxArgs(['--exec-transports', 'SPDY, websocket,spdy']), { execTransports: ['spdy', 'websocket'] });
  assert.equal(parseSandboxArgs([]), {});
});

test('--exec-transports refuses other names and an empty list', () => {
  assert.throws(() => parseSandboxArgs(['--exec-transports', 'h2']), /--exec-transports takes websocket, spdy \(comma-separated\), not "h2"/);
  assert.throws(() => parseSandboxArgs(['--exec-transports', 'spdy,']), /not ""/);
  assert.throws(() => parseSandboxArgs(['--exec-transports']), /needs a value/);
});

test('a bad flag exits 2 with one line on stderr', () => {
  const result = spawnSync(runtime[0], [...runtime.slice(1), 'sandbox', '--nope'], { encoding: 'utf8' });
  assert.is(result.status, 2);
  assert.is(result.stderr.trim().split('\n').length, 1);
  assert.match(result.stderr, /^octant-exec sandbox: unknown option "--nope" \(see octant-exec sandbox --help\)$/m);
});

test('a start that fails (a port in use, a kubeconfig that cannot be written, a state directory that cannot be made) exits 1 with a line and leaves nothing behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-cli-'));
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  try {
    const port = String((taken.address() as AddressInfo).port);
    for (const [args, said] of [
      [['--port', port], /EADDRINUSE.*: another program listens there; give another --port \(0 picks a free one\)$/m],
      [['--port', '0', '--kubeconfig-out', join(dir, 'no-such-folder', 'kc.yaml')], /ENOENT/],
      // where mkdir says ENOENT under a folder that is there, Node's recursive mkdir spins for good
      [['--port', '0', '--state-dir', '/proc/no-such-folder/state'], /the state directory \/proc\/no-such-folder\/state cannot be made \(ENOENT/],
    ] as const) {
      // async: the sandbox may be the test's own server's neighbour, and a hang must fail by the deadline, not block the run
      const child = spawn(runtime[0], [...runtime.slice(1), 'sandbox', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TMPDIR: dir } });
      let stderr = '';
      child.stderr!.on('data', (c) => (stderr += c));
      const code = await withTimeout(new Promise<number | null>((resolve) => child.once('close', resolve)), 60_000, `the sandbox ${args.join(' ')} to exit`);
      assert.is(code, 1, stderr);
      assert.match(stderr, said);
      assert.equal(readdirSync(dir).filter((name) => name.startsWith('octant-exec-sandbox-')), [], 'no state folder left behind');
    }
  } finally {
    taken.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a state directory that is there but not this user\'s to write in is said to be that, before anything is made in it', async () => {
  // in a folder of its own that the other user may enter (the test's temp folders are closed to it)
  const home = mkdtempSync('/tmp/octant-exec-other-user-');
  chmodSync(home, 0o777);
  const state = join(home, 'state');
  mkdirSync(state, { mode: 0o755 });
  try {
    // root writes anywhere: the command runs as nobody then
    const asOther = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...runtime] : runtime;
    if (process.getuid?.() !== 0) chmodSync(state, 0o555);
    const run = spawnSync(asOther[0], [...asOther.slice(1), 'sandbox', '--port', '0', '--state-dir', state], { cwd: process.cwd(), env: { PATH: process.env.PATH!, HOME: home, TMPDIR: home }, encoding: 'utf8', timeout: 60_000 });
    assert.is(run.status, 1, run.stderr);
    assert.match(run.stderr, /^octant-exec sandbox: the state directory .*\/state is there but this user may not write in it \(EACCES\): run as its owner, or give a --state-dir where you may write$/m, run.stderr);
    assert.equal(readdirSync(state), [], 'nothing made in it');
  } finally {
    chmodSync(state, 0o755);
    rmSync(home, { recursive: true, force: true });
  }
});

test("a file in the state directory that is not this user's (left by a run as root) says so, and what to do", async () => {
  const home = mkdtempSync('/tmp/octant-exec-other-user-');
  chmodSync(home, 0o777);
  const state = join(home, 'state');
  mkdirSync(state);
  chmodSync(state, 0o777); // the folder is the other user's to write in: only the file is not
  writeFileSync(join(state, 'ca.crt'), 'an older run as root\n', { mode: 0o644 });
  try {
    const asOther = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...runtime] : runtime;
    if (process.getuid?.() !== 0) chmodSync(join(state, 'ca.crt'), 0o444);
    const run = spawnSync(asOther[0], [...asOther.slice(1), 'sandbox', '--port', '0', '--state-dir', state], { cwd: process.cwd(), env: { PATH: process.env.PATH!, HOME: home, TMPDIR: home }, encoding: 'utf8', timeout: 60_000 });
    assert.is(run.status, 1, run.stderr);
    assert.match(run.stderr, /^octant-exec sandbox: EACCES: permission denied, open '.*\/state\/ca\.crt': part of the state directory .*\/state is not this user's to write; run as its owner \(.*chown -R.*\), or give another --state-dir$/m, run.stderr);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
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
    // a duration of this run's own, so that pgrep finds this exec and no other (another run of the suite may be sleeping too)
    const duration = `300.${process.pid}${Date.now() % 1000}`;
    const kubectl = spawn('/usr/lib/google-cloud-sdk/bin/kubectl.1.33', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'exec', 'web', '--', 'sleep', duration], { stdio: 'ignore', env: { HOME: dir, PATH: '/usr/bin:/bin' } });
    const kubectlDone = new Promise<void>((resolve) => kubectl.once('close', () => resolve()));
    const sleeping = () => spawnSync('pgrep', ['-f', '-x', `sleep ${duration}`], { encoding: 'utf8' }).stdout.trim();
    await waitFor(() => sleeping() !== '', 'the exec to start', 15_000);
    const pids = sleeping().split('\n').filter(Boolean).map(Number);
    // process.kill, not child.kill: Deno's child.kill records the signal as the cause of death
    // even when the child handles it and exits 0.
    process.kill(child.pid!, 'SIGTERM');
    assert.is(await withTimeout(exited, 15_000, 'the sandbox to exit'), 0);
    assert.is(stdout.trim().split('\n').length, 1);
    await withTimeout(kubectlDone, 15_000, 'kubectl to end');
    // Killed with their container: gone once reaped, a moment after the sandbox exits.
    await waitFor(() => pids.every((pid) => !existsSync(`/proc/${pid}`)), `sleep ${pids.join(', ')} to end`, 10_000);
  } finally {
    child.kill('SIGKILL'); // a test that failed midway: its pods end a moment after it
    await withTimeout(exited, 10_000, 'the sandbox to die of SIGKILL');
    await removeKilledStateDir(dir);
  }
});

test.run();

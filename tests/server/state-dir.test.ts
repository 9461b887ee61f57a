// One server per state directory: a second one, or one whose port is taken, stops before it
// writes a line of the log, and says why in one line. The `octant-exec log` tools, which only
// read (and compact under their own lock), keep working beside a running server (tests/cli/log.test.ts).
// A server whose lock another took over (it was stopped past the lock's stale time) stops by itself.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { lstatSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { REFRESH_MS } from '../../src/events/files/file-lock.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { startOctantExec, type OctantExecOptions } from '../../src/server/app.ts';
import { startCli } from '../support/cli.ts';
import { settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

const test = suite('one server per state directory');

/** A kubeconfig nothing is asked of at a start (no cluster answers at port 9). */
function kubeconfig(dir: string): string {
  const path = join(dir, 'kubeconfig');
  writeFileSync(
    path,
    'apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters: [{name: k, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n',
  );
  return path;
}

const start = (options: Partial<OctantExecOptions> & { stateDir: string }) =>
  startOctantExec({ port: 0, adapter: () => new FakeExecAdapter((s) => void s.open()), warn: () => {}, ...options });

/** Every file of the state directory's log and snapshots, with its bytes. */
function logFiles(stateDir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const dir of ['log', 'snapshots']) {
    let names: string[] = [];
    try {
      names = readdirSync(join(stateDir, dir));
    } catch {
      continue; // not made yet
    }
    for (const name of names) {
      const path = join(stateDir, dir, name);
      files[`${dir}/${name}`] = lstatSync(path).isSymbolicLink() ? `-> ${readlinkSync(path)}` : readFileSync(path, 'latin1'); // a lock is a link
    }
  }
  return files;
}

test('a second server on the same state directory stops before writing, naming the first and what to do', () =>
  withTempDir(async (dir) => {
    const stateDir = join(dir, 'state');
    const config = kubeconfig(dir);
    const first = await start({ stateDir, kubeconfig: config });
    try {
      first.system.exec(shellIn('web'), ['nginx']);
      await settle();
      const before = logFiles(stateDir);
      const second = startCli(['--kubeconfig', config, '--port', '0', '--state-dir', stateDir]);
      try {
        assert.is(await withTimeout(second.exit, 30_000, 'the second server to stop'), 1);
      } finally {
        if (second.child.exitCode === null && second.child.kill('SIGKILL')) await withTimeout(second.exit, 10_000, 'the second server to be killed');
      }
      assert.is(second.stderr(), `octant-exec: the event log in ${stateDir} is being written by process ${process.pid} (another octant-exec?): stop that one first, or give this one another --state-dir\n`);
      assert.equal(logFiles(stateDir), before, 'not a byte written');
      assert.ok('sessionIds' in first.system.exec(shellIn('web'), ['nginx']), 'the first server goes on');
    } finally {
      await first.close();
    }
    assert.not.ok(readdirSync(join(stateDir, 'log')).includes('writer.lock'), 'a server that stops lets go of the directory');
  }));

test('a second server stops before it builds its page (seconds, in a checkout whose page changed); one that starts builds it', () =>
  withTempDir(async (dir) => {
    const stateDir = join(dir, 'state');
    const config = kubeconfig(dir);
    const first = startCli(['--kubeconfig', config, '--port', '0', '--state-dir', stateDir]); // another process: the lock is per process
    try {
      await waitFor(() => first.stdout.length > 0 || first.child.exitCode !== null, 'the first server ready', 60_000);
      let built = false;
      const page = async () => {
        built = true;
        return join(dir, 'no-page');
      };
      const refused = await start({ stateDir, kubeconfig: config, uiDir: page }).then(
        (app) => app.close(), // not expected: the assertion below then fails
        (error: Error) => error,
      );
      assert.match(String(refused), /is being written by process \d+/);
      assert.not.ok(built, 'the page was not built');
      const own = await start({ stateDir: join(dir, 'own'), kubeconfig: config, uiDir: page });
      await own.close();
      assert.ok(built, 'a server with a state directory of its own builds it');
    } finally {
      first.child.kill('SIGTERM');
      await withTimeout(first.exit, 30_000, 'the first server to stop');
    }
  }));

test('a port in use stops a start before it touches the log', () =>
  withTempDir(async (dir) => {
    const config = kubeconfig(dir);
    const stateDir = join(dir, 'crashed');
    const store = new FileStore(stateDir);
    const system = ExecSystem.open({ adapter: new FakeExecAdapter((s) => void s.open()), store, clock: () => new VirtualClock(Date.now()), snapshots: false });
    system.exec(shellIn('web'), ['nginx']);
    await settle();
    store.close(); // the process dies with the session live: a start would disconnect it and take a snapshot
    const before = logFiles(stateDir);
    const other = await start({ stateDir: join(dir, 'other'), kubeconfig: config });
    try {
      const refused = await start({ stateDir, kubeconfig: config, port: other.port }).then(
        (app) => app.close(), // not expected: the assertion below then fails
        (error: NodeJS.ErrnoException) => error,
      );
      assert.is(refused?.code, 'EADDRINUSE');
      assert.equal(logFiles(stateDir), before, 'nothing replayed into it, no session disconnected, no snapshot');
    } finally {
      await other.close();
    }
  }));

test('a server whose writer lock another server took over stops by itself at its next refresh, and writes nothing more', () =>
  withTempDir(async (dir) => {
    const stateDir = join(dir, 'state');
    const warnings: string[] = [];
    const app = await start({ stateDir, kubeconfig: kubeconfig(dir), warn: (message) => warnings.push(message) });
    try {
      app.system.exec(shellIn('web'), ['nginx']);
      await settle();
      // what a server on another host does with a lock untouched for STALE_MS (this one was stopped that long)
      const lock = join(stateDir, 'log', 'writer.lock');
      rmSync(lock);
      symlinkSync('4242:1:pod-b', lock);
      const before = logFiles(stateDir);
      const why = await withTimeout(app.fatal, REFRESH_MS + 20_000, 'the server to find its lock taken over');
      assert.is(why, 'this server lost the writer lock of its event log to process 4242 on host pod-b');
      assert.ok(warnings.some((warning) => warning.includes('another server took it over as stale')), warnings.join('\n'));
      await app.close(); // its terminals end: that is not written either
      assert.equal(logFiles(stateDir), before, 'not a byte written, the other server\'s lock left alone');
    } finally {
      await app.close();
    }
  }));

test.run();

// The writer lock between real processes. Two servers on one host in two PID namespaces (pods
// with hostNetwork, containers given the same hostname), where a pid of the other looks dead or
// like one's own: the second is refused while the first keeps its lock fresh. And a holder that
// was stopped past the lock's stale time, whose lock another server took over meanwhile: once it
// runs again it appends nothing, and says it has lost the lock; a long synchronous replay keeps
// the lock fresh by itself. One that cannot touch its lock says so.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { FileStore } from '../../src/events/file-store.ts';
import { STALE_MS } from '../../src/events/files/file-lock.ts';
import { cliArgv, denoDir } from '../support/cli.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('the writer lock between processes');
const script = new URL('../support/lock-holder.ts', import.meta.url).pathname;
/** A PID namespace of its own, with its own /proc (as a container has), ended with its first process. */
const ownPidNamespace = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'];
const namespacesAllowed = process.platform === 'linux' && spawnSync(ownPidNamespace[0], [...ownPidNamespace.slice(1), 'true']).status === 0;

interface Holder {
  child: ChildProcess;
  /** the next line it says that starts with one of `starts` (others it says meanwhile are skipped) */
  next(...starts: string[]): Promise<string>;
  /** sends a command, and gives its answer */
  ask(line: string, ...answers: string[]): Promise<string>;
  /** every line it said */
  said: string[];
  /** its stdin ended (it lets go of the lock), and it has exited */
  end(): Promise<void>;
}

function startHolder(dir: string, prefix: string[] = []): Holder {
  const [file, ...args] = [...prefix, ...cliArgv([dir], { script })];
  const child = spawn(file, args, { env: { ...process.env, ...denoDir }, stdio: ['pipe', 'pipe', 'pipe'] });
  const said: string[] = [];
  let pending = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop()!;
    said.push(...lines);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let read = 0;
  const next = (...starts: string[]) =>
    waitFor(
      () => {
        while (read < said.length) {
          const line = said[read++];
          if (starts.some((start) => line.startsWith(start))) return line;
        }
        return child.exitCode !== null && child.stdout!.readableEnded ? `exited: ${stderr}` : undefined;
      },
      `the lock holder (pid ${child.pid}) to say ${starts.join(' or ')}`,
      30_000,
    );
  return {
    child,
    next,
    said,
    ask: (line, ...answers) => {
      child.stdin!.write(`${line}\n`);
      return next(...answers);
    },
    end: async () => {
      child.stdin!.end();
      await withTimeout(exit, 10_000, `the lock holder (pid ${child.pid}) to exit`);
    },
  };
}

const refusal = (dir: string, who: string) => `refused the event log in ${dir} is being written by ${who} (another octant-exec?): stop that one first, or give this one another --state-dir`;
const inAnother = (pid: number) => `process ${pid} in another PID namespace (another container on this host)`;

test('a server in another PID namespace on this host is refused while the holder runs, whether its pid looks dead there or is its own', async () => {
  // unshare needs root (or user namespaces), as CI has: without it the test fails, it does not pass unrun
  assert.ok(namespacesAllowed, `unshare ${ownPidNamespace.slice(1).join(' ')} is refused here: run the tests as root (or with user namespaces allowed)`);
  await withTempDir(async (dir) => {
    const here = new FileStore(dir);
    here.lockForWriting();
    const there = startHolder(dir, ownPidNamespace); // pid 1 there; this process's pid is not one there
    try {
      assert.is(await there.next('took', 'refused'), refusal(dir, inAnother(process.pid)));
    } finally {
      await there.end();
      here.close();
    }

    const first = startHolder(dir, ownPidNamespace);
    try {
      assert.match(await first.next('took', 'refused'), /^took 1:/);
      const second = startHolder(dir, ownPidNamespace); // pid 1 too: as its own earlier process's lock, it was taken
      try {
        assert.is(await second.next('took', 'refused'), refusal(dir, inAnother(1)));
      } finally {
        await second.end();
      }
      assert.throws(() => new FileStore(dir).lockForWriting(), (error: Error) => `refused ${error.message}` === refusal(dir, inAnother(1)), 'pid 1 here is another process, started long before');
      assert.match(readlinkSync(join(dir, 'log', 'writer.lock')), /^1:/, 'the first still holds it');
    } finally {
      await first.end();
    }
    assert.not.ok(readdirSync(join(dir, 'log')).includes('writer.lock'), 'let go by its holder');
  });
});

test('a holder stopped while another server took its lock over appends nothing once it runs again, and says it lost the lock', () =>
  withTempDir(async (dir) => {
    const holder = startHolder(dir);
    try {
      assert.match(await holder.next('took', 'refused'), /^took /);
      assert.is(await holder.ask('append 1', 'appended', 'refused'), 'appended 1');
      process.kill(holder.child.pid!, 'SIGSTOP'); // its refreshes stop (process.kill: under Deno, child.kill's SIGSTOP left it answering nothing more)
      // what a server on another host does once the lock is STALE_MS old: takes it over
      const lock = join(dir, 'log', 'writer.lock');
      rmSync(lock);
      symlinkSync('4242:1:pod-b', lock);
      process.kill(holder.child.pid!, 'SIGCONT');
      await holder.ask(`later ${STALE_MS + 10_000}`, 'later'); // as its clocks show after such a pause
      assert.is(await holder.ask('append 2', 'appended', 'refused'), `refused the writer lock of the event log in ${dir} is not this process's any more (process 4242 on host pod-b has it): nothing more is written here`);
      assert.ok(holder.said.includes('lost this server lost the writer lock of its event log to process 4242 on host pod-b'), holder.said.join('\n'));
      assert.ok(holder.said.some((line) => line.startsWith('warn ') && line.includes('another server took it over as stale')), holder.said.join('\n'));
      assert.is(await holder.ask('append 3', 'appended', 'refused'), `refused the writer lock of the event log in ${dir} is not this process's any more (process 4242 on host pod-b has it): nothing more is written here`, 'for good');
      await holder.end();
      assert.is(readlinkSync(lock), '4242:1:pod-b', 'its close left the other server\'s lock alone');
      const lines = readdirSync(join(dir, 'log')).filter((name) => name.endsWith('.jsonl')).flatMap((name) => readFileSync(join(dir, 'log', name), 'utf8').split('\n').filter(Boolean));
      assert.equal(lines.map((line) => JSON.parse(line).seq), [1], 'only what it wrote while it held the lock');
    } finally {
      if (holder.child.exitCode === null) holder.child.kill('SIGKILL');
    }
  }));

test('a long synchronous replay keeps the lock fresh, no timer running meanwhile', () =>
  withTempDir(async (dir) => {
    const holder = startHolder(dir);
    try {
      assert.match(await holder.next('took', 'refused'), /^took /);
      assert.is(await holder.ask('append 1', 'appended', 'refused'), 'appended 1');
      await holder.ask(`later ${STALE_MS}`, 'later');
      assert.is(await holder.ask('replay', 'replayed'), 'replayed 1 touched true');
    } finally {
      await holder.end();
    }
  }));

test('a lock unreadable for now (EIO, ESTALE: here a folder in its place) fails no read: the answer is for writes', () =>
  withTempDir(async (dir) => {
    const holder = startHolder(dir);
    try {
      assert.match(await holder.next('took', 'refused'), /^took /);
      assert.is(await holder.ask('append 1', 'appended', 'refused'), 'appended 1');
      await holder.ask(`later ${STALE_MS}`, 'later'); // so the read looks at the lock
      assert.is(await holder.ask('unreadable', 'replayed', 'failed'), 'replayed 1');
    } finally {
      await holder.end();
    }
  }));

test('a lock that cannot be touched (its volume turned read-only) is said once, for another server would take it as stale', async () => {
  const ownMounts = ['unshare', '--mount', '--map-root-user']; // root's, or a user namespace's
  await withTempDir(async (dir) => {
    // the test's own folder, not /tmp: a mount another run left under /tmp (a test killed on its
    // tiny disk) makes a bind of /tmp itself fail in a user namespace, whatever the rights
    const probe = process.platform === 'linux' ? spawnSync(ownMounts[0], [...ownMounts.slice(1), 'mount', '--bind', dir, dir], { encoding: 'utf8' }) : undefined;
    assert.ok(probe?.status === 0, `unshare ${ownMounts.slice(1).join(' ')} is refused here (${probe?.stderr?.trim() || probe?.error?.message || process.platform}): run the tests as root (or with user namespaces allowed)`);
    const holder = startHolder(dir, ownMounts);
    try {
      assert.match(await holder.next('took', 'refused'), /^took /);
      assert.is(await holder.ask('append 1', 'appended', 'refused'), 'appended 1');
      await holder.ask('readonly', 'readonly');
      for (const seq of [2, 3]) {
        await holder.ask(`later ${STALE_MS / 2}`, 'later'); // so the write looks at the lock, and touches it
        assert.is(await holder.ask(`append ${seq}`, 'appended', 'refused'), `appended ${seq}`); // into the segment it has open
      }
      const warnings = holder.said.filter((line) => line.startsWith('warn ') && line.includes('cannot be touched'));
      assert.is(warnings.length, 1, holder.said.join('\n'));
      assert.match(warnings[0], /cannot be touched \(EROFS .*would take it as stale after 60 s untouched/);
    } finally {
      await holder.end();
    }
  });
});

test.run();

// The locks on a state directory (the log's writer, one compaction at a time): a live holder is
// named, a dead one is taken over, and so is a pid the system gave to a later process; two
// takers of one dead lock never both get it. A holder on another host (another pod on the node,
// its server pid 1 like this one's could be) is named while it keeps its lock fresh, and taken over
// once it has not for STALE_MS; the holder here keeps its own fresh.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { lstatSync, lutimesSync, mkdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { FileStore } from '../../src/events/file-store.ts';
import { REFRESH_MS, STALE_MS } from '../../src/events/files/file-lock.ts';
import { waitFor } from '../support/wait.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('state directory locks');
const dead = () => spawnSync('true').pid!; // a process that has ended
const refusal = (dir: string, who: string) => `the event log in ${dir} is being written by ${who} (another octant-exec?): stop that one first, or give this one another --state-dir`;

/** A lock as a process leaves it: a link whose target names its holder (`pid` or `pid:start`). */
function lockFile(dir: string, holder: string, name = 'writer.lock'): string {
  const path = join(dir, 'log', name);
  mkdirSync(join(dir, 'log'), { recursive: true });
  rmSync(path, { force: true });
  symlinkSync(holder, path);
  return path;
}

const holder = (path: string) => Number(readlinkSync(path).split(':')[0]);
const present = (path: string) => lstatSync(path, { throwIfNoEntry: false }) !== undefined;

test('a live holder is named; a dead one is taken over; so is a live pid that started after the lock was taken', () =>
  withTempDir((dir) => {
    const lock = lockFile(dir, String(process.ppid)); // a lock that says only its pid: alive, so held
    assert.throws(() => new FileStore(dir).lockForWriting(), (error: Error) => error.message === refusal(dir, `process ${process.ppid}`));
    assert.throws(() => new FileStore(dir).append({ seq: 1, time: 1, type: 'session.closed', sessionId: 't1' }), (error: Error) => error.message === refusal(dir, `process ${process.ppid}`), 'an append takes it too');
    lockFile(dir, `${process.ppid}:1`); // that pid, but not the process that took it
    const store = new FileStore(dir);
    store.lockForWriting();
    assert.is(holder(lock), process.pid);
    store.close();
    assert.not.ok(present(lock), 'released on close');
    lockFile(dir, `${dead()}:1`);
    new FileStore(dir).lockForWriting();
    assert.is(holder(lock), process.pid);
  }));

test('a lock whose holder cannot be read is taken over; so is a pid-only file left by an earlier build', () =>
  withTempDir((dir) => {
    const lock = lockFile(dir, 'not a holder');
    new FileStore(dir).lockForWriting();
    assert.is(holder(lock), process.pid);
    rmSync(lock);
    writeFileSync(lock, String(dead()));
    new FileStore(dir).lockForWriting();
    assert.is(holder(lock), process.pid);
  }));

test('a takeover is claimed: a dead lock is left to a live claimant; a claim whose claimant died is cleared', () =>
  withTempDir((dir) => {
    const lock = lockFile(dir, String(dead()));
    const claim = lockFile(dir, String(process.ppid), 'writer.lock.takeover');
    const stale = readlinkSync(lock);
    assert.throws(() => new FileStore(dir).lockForWriting(), (error: Error) => error.message === refusal(dir, 'a process taking it over this moment'));
    assert.is(readlinkSync(lock), stale, 'the claimant takes it, nobody else');
    lockFile(dir, String(dead()), 'writer.lock.takeover');
    new FileStore(dir).lockForWriting();
    assert.is(holder(lock), process.pid);
    assert.not.ok(present(claim));
  }));

test('stores of one process on one directory share its writer lock (a test reopening it as after a crash); the last close lets it go', () =>
  withTempDir((dir) => {
    const first = new FileStore(dir);
    first.append({ seq: 1, time: 1, type: 'session.closed', sessionId: 't1' });
    const second = new FileStore(dir);
    second.append({ seq: 2, time: 2, type: 'session.closed', sessionId: 't2' });
    first.close();
    assert.ok(present(join(dir, 'log', 'writer.lock')), 'still held by the second');
    second.close();
    assert.not.ok(present(join(dir, 'log', 'writer.lock')));
  }));

test('compaction takes its lock the same way: the lock of a dead holder under a live claimant is left to the claimant', () =>
  withTempDir(async (dir) => {
    const store = new FileStore(dir);
    store.append({ seq: 1, time: 1, type: 'session.closed', sessionId: 't1' });
    const lock = lockFile(dir, String(dead()), 'compact.lock');
    const claim = lockFile(dir, String(process.ppid), 'compact.lock.takeover');
    assert.is((await store.compact({ through: 1 })).busy, 'another compaction is running (a process taking it over this moment)');
    assert.ok(present(lock));
    lockFile(dir, `${process.ppid}:1`, 'compact.lock.takeover'); // that pid, but a later process
    assert.is((await store.compact({ through: 1 })).busy, undefined);
    assert.not.ok(present(lock) || present(claim), 'taken, then released');
    store.close();
  }));

test('a holder on another host is named while its lock is fresh, even with this process\'s own pid; untouched for a minute, it is taken over', () =>
  withTempDir((dir) => {
    const lock = lockFile(dir, `${process.pid}:1:pod-b`); // pid 1 in each pod: the same pid, another host
    const otherHost = refusal(dir, `process ${process.pid} on host pod-b`);
    assert.throws(() => new FileStore(dir).lockForWriting(), (error: Error) => error.message === otherHost);
    const longAgo = new Date(Date.now() - STALE_MS - 1000);
    lutimesSync(lock, longAgo, longAgo);
    const store = new FileStore(dir);
    store.lockForWriting();
    assert.is(holder(lock), process.pid);
    assert.match(readlinkSync(lock), new RegExp(`^${process.pid}:\\d*:${hostname().replace(/[^A-Za-z0-9_.-]/g, '_')}$`), 'names this host');
    store.close();
  }));

test('the holder touches its lock every REFRESH_MS, so that another host sees it alive', () =>
  withTempDir(async (dir) => {
    const store = new FileStore(dir);
    store.lockForWriting();
    const lock = join(dir, 'log', 'writer.lock');
    const longAgo = new Date(Date.now() - STALE_MS - 1000);
    lutimesSync(lock, longAgo, longAgo);
    await waitFor(() => Date.now() - lstatSync(lock).mtimeMs < STALE_MS, 'the lock touched again', REFRESH_MS + 10_000);
    store.close();
  }));

test('a lock of this host, or of a build that named no host, is judged by its pid as before', () =>
  withTempDir((dir) => {
    const here = hostname().replace(/[^A-Za-z0-9_.-]/g, '_');
    lockFile(dir, `${process.ppid}::${here}`);
    assert.throws(() => new FileStore(dir).lockForWriting(), (error: Error) => error.message === refusal(dir, `process ${process.ppid}`));
    const lock = lockFile(dir, `${dead()}::${here}`);
    new FileStore(dir).lockForWriting();
    assert.is(holder(lock), process.pid);
  }));

test.run();

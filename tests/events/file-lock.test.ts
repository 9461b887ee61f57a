// The locks on a state directory (the log's writer, one compaction at a time): a live holder is
// named, a dead one is taken over, and so is a pid the system gave to a later process; two
// takers of one dead lock never both get it. A holder on another host (another pod on the node,
// its server pid 1 like this one's could be) is named while it keeps its lock fresh, and taken over
// once it has not for STALE_MS; the holder here keeps its own fresh. So is one whose pid was given
// in another PID namespace or boot of this host, or whose lock (an older build's) does not say
// where: such a pid cannot be asked after (file-lock-holders.test.ts runs real ones).
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { lstatSync, lutimesSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { FileStore } from '../../src/events/file-store.ts';
import { REFRESH_MS, STALE_MS } from '../../src/events/files/file-lock.ts';
import { waitFor } from '../support/wait.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('state directory locks');
const dead = () => spawnSync('true').pid!; // a process that has ended
const host = hostname().replace(/[^A-Za-z0-9_.-]/g, '_');
/** Where this process's pid was given, as its locks say after the host (Linux: its PID namespace and boot). */
const space = process.platform === 'linux' ? `.pidns-${/\d+/.exec(readlinkSync('/proc/self/ns/pid'))![0]}.boot-${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}` : '';
/** A lock of a process here (this host, PID namespace and boot): `pid:start:here`. */
const here = `${host}${space}`;
const longAgo = () => new Date(Date.now() - STALE_MS - 1000);
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
    const lock = lockFile(dir, `${process.ppid}::${here}`); // alive, so held
    assert.throws(() => new FileStore(dir).lockForWriting(), (error: Error) => error.message === refusal(dir, `process ${process.ppid}`));
    assert.throws(() => new FileStore(dir).append({ seq: 1, time: 1, type: 'session.closed', sessionId: 't1' }), (error: Error) => error.message === refusal(dir, `process ${process.ppid}`), 'an append takes it too');
    lockFile(dir, `${process.ppid}:1:${here}`); // that pid, but not the process that took it
    const store = new FileStore(dir);
    store.lockForWriting();
    assert.is(holder(lock), process.pid);
    store.close();
    assert.not.ok(present(lock), 'released on close');
    lockFile(dir, `${dead()}:1:${here}`);
    new FileStore(dir).lockForWriting();
    assert.is(holder(lock), process.pid);
  }));

test('a lock whose holder cannot be read is taken over; so is a pid-only file left by an earlier build, once a minute old', () =>
  withTempDir((dir) => {
    const lock = lockFile(dir, 'not a holder');
    new FileStore(dir).lockForWriting();
    assert.is(holder(lock), process.pid);
    rmSync(lock);
    writeFileSync(lock, String(dead()));
    assert.throws(() => new FileStore(dir).lockForWriting(), /being written by process \d+/, 'its pid may have been given in another PID namespace');
    utimesSync(lock, longAgo(), longAgo());
    new FileStore(dir).lockForWriting();
    assert.is(holder(lock), process.pid);
  }));

test('a takeover is claimed: a dead lock is left to a live claimant; a claim whose claimant died is cleared', () =>
  withTempDir((dir) => {
    const lock = lockFile(dir, `${dead()}::${here}`);
    const claim = lockFile(dir, `${process.ppid}::${here}`, 'writer.lock.takeover');
    const stale = readlinkSync(lock);
    assert.throws(() => new FileStore(dir).lockForWriting(), (error: Error) => error.message === refusal(dir, 'a process taking it over this moment'));
    assert.is(readlinkSync(lock), stale, 'the claimant takes it, nobody else');
    lockFile(dir, `${dead()}::${here}`, 'writer.lock.takeover');
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
    const lock = lockFile(dir, `${dead()}::${here}`, 'compact.lock');
    const claim = lockFile(dir, `${process.ppid}::${here}`, 'compact.lock.takeover');
    assert.is((await store.compact({ through: 1 })).busy, 'another compaction is running (a process taking it over this moment)');
    assert.ok(present(lock));
    lockFile(dir, `${process.ppid}:1:${here}`, 'compact.lock.takeover'); // that pid, but a later process
    assert.is((await store.compact({ through: 1 })).busy, undefined);
    assert.not.ok(present(lock) || present(claim), 'taken, then released');
    store.close();
  }));

test('a holder on another host is named while its lock is fresh, even with this process\'s own pid; untouched for a minute, it is taken over', () =>
  withTempDir((dir) => {
    const lock = lockFile(dir, `${process.pid}:1:pod-b`); // pid 1 in each pod: the same pid, another host
    const otherHost = refusal(dir, `process ${process.pid} on host pod-b`);
    assert.throws(() => new FileStore(dir).lockForWriting(), (error: Error) => error.message === otherHost);
    lutimesSync(lock, longAgo(), longAgo());
    const store = new FileStore(dir);
    store.lockForWriting();
    assert.is(holder(lock), process.pid);
    assert.match(readlinkSync(lock), new RegExp(`^${process.pid}:\\d*:${here.replace(/\./g, '\\.')}$`), 'names this host, and where its pid was given');
    store.close();
  }));

test('the holder touches its lock every REFRESH_MS, so that another host sees it alive', () =>
  withTempDir(async (dir) => {
    const store = new FileStore(dir);
    store.lockForWriting();
    const lock = join(dir, 'log', 'writer.lock');
    lutimesSync(lock, longAgo(), longAgo());
    await waitFor(() => Date.now() - lstatSync(lock).mtimeMs < STALE_MS, 'the lock touched again', REFRESH_MS + 10_000);
    store.close();
  }));

test('a lock of this host, PID namespace and boot is judged by its pid; one from another namespace or boot by its refresh alone', () =>
  withTempDir((dir) => {
    lockFile(dir, `${process.ppid}::${here}`);
    assert.throws(() => new FileStore(dir).lockForWriting(), (error: Error) => error.message === refusal(dir, `process ${process.ppid}`));
    const lock = lockFile(dir, `${dead()}::${here}`);
    new FileStore(dir).lockForWriting();
    assert.is(holder(lock), process.pid);
    if (!space) return; // no PID namespaces here
    for (const [elsewhere, who] of [
      [`${host}.pidns-1.boot-${space.split('.boot-')[1]}`, 'in another PID namespace (another container on this host)'],
      [`${host}.pidns-${/pidns-(\d+)/.exec(space)![1]}.boot-0123abcd`, '(of an earlier boot of this host, or another machine of its name)'],
    ]) {
      for (const pid of [dead(), process.pid]) {
        lockFile(dir, `${pid}:1:${elsewhere}`); // dead here, or this process's own pid: neither says anything of a pid given there
        assert.throws(() => new FileStore(dir).lockForWriting(), (error: Error) => error.message === refusal(dir, `process ${pid} ${who}`));
        lutimesSync(join(dir, 'log', 'writer.lock'), longAgo(), longAgo());
        const store = new FileStore(dir);
        store.lockForWriting();
        assert.is(holder(lock), process.pid);
        store.close();
      }
    }
  }));

test('a lock of an earlier build, which does not say where its pid was given, is taken over once a minute old, unless its very process runs here', () =>
  withTempDir((dir) => {
    const lock = lockFile(dir, `${process.pid}:1:${host}`); // its server pid 1 in another container, maybe, as this one
    assert.throws(() => new FileStore(dir).lockForWriting(), (error: Error) => error.message === refusal(dir, `process ${process.pid}`));
    lutimesSync(lock, longAgo(), longAgo());
    const store = new FileStore(dir);
    store.lockForWriting();
    assert.is(holder(lock), process.pid, 'an upgrade strands no lock');
    store.close();
    const parentStart = readFileSync(`/proc/${process.ppid}/stat`, 'utf8').split(') ')[1]?.split(' ')[19];
    if (!parentStart) return; // no /proc: no start times
    lockFile(dir, `${process.ppid}:${parentStart}:${host}`);
    lutimesSync(lock, longAgo(), longAgo());
    assert.throws(() => new FileStore(dir).lockForWriting(), (error: Error) => error.message === refusal(dir, `process ${process.ppid}`), 'its pid and start time show it running');
  }));

test.run();

// A server's start on a writer lock whose holder only its refresh can show alive (here: another
// PID namespace of this host, as a container restarted after a crash finds its predecessor's): it
// waits, saying so, and takes the lock once stale, or is refused as soon as the holder touches it.
// A holder this process can ask after by its pid is refused at once, without waiting.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { lutimesSync, mkdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { FileStore, WriterLockHeld } from '../../src/events/file-store.ts';
import { STALE_MS } from '../../src/events/files/file-lock.ts';
import { lockForWritingOrWait } from '../../src/events/files/writer-lock-wait.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('waiting for a writer lock only its refresh shows alive');
const host = hostname().replace(/[^A-Za-z0-9_.-]/g, '_');
const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
const myNamespace = /^pid:\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/pid'))![1];
const startOf = (pid: number) => { const stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]; };

/** A lock of `text`, last touched `ago` ms ago. */
function lockOf(dir: string, text: string, ago: number): string {
  mkdirSync(join(dir, 'log'), { recursive: true });
  const path = join(dir, 'log', 'writer.lock');
  symlinkSync(text, path);
  touch(path, ago);
  return path;
}
const touch = (path: string, ago: number) => lutimesSync(path, new Date(Date.now() - ago), new Date(Date.now() - ago));
const otherNamespace = `1:123:${host}.pidns-${Number(myNamespace) + 1}.boot-${boot}`;

test('a holder in another PID namespace that stays silent: waited for, said once, and its lock taken once stale', () =>
  withTempDir(async (dir) => {
    const path = lockOf(dir, otherNamespace, 20_000);
    const said: string[] = [];
    const store = new FileStore(dir);
    let looks = 0;
    // each look, as if time went by with nobody touching it: stale at the third
    await lockForWritingOrWait(store, (sentence) => said.push(sentence), async () => void touch(path, ++looks >= 2 ? STALE_MS + 1_000 : 30_000));
    assert.is(said.length, 1, said.join('\n'));
    assert.match(said[0], /held by process 1 in another PID namespace \(another container on this host\), silent for 20 s: waiting up to 40 s more/);
    assert.match(readlinkSync(path), new RegExp(`^${process.pid}:`), 'the lock is this process\'s now');
    store.close();
  }),
);

test('a holder in another PID namespace that touches its lock while waited for: refused, naming it', () =>
  withTempDir(async (dir) => {
    const path = lockOf(dir, otherNamespace, 30_000);
    const said: string[] = [];
    const waited = lockForWritingOrWait(new FileStore(dir), (sentence) => said.push(sentence), async () => void touch(path, 0));
    const error = await waited.then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof WriterLockHeld, String(error));
    assert.match((error as Error).message, /being written by process 1 in another PID namespace/);
    assert.is(said.length, 1);
    assert.is(readlinkSync(path), otherNamespace, 'the holder\'s lock left alone');
  }),
);

test('a live holder this process can ask after by its pid: refused at once, nothing waited for', () =>
  withTempDir(async (dir) => {
    const parent = process.ppid;
    lockOf(dir, `${parent}:${startOf(parent)}:${host}.pidns-${myNamespace}.boot-${boot}`, 30_000);
    const said: string[] = [];
    let slept = 0;
    const error = await lockForWritingOrWait(new FileStore(dir), (sentence) => said.push(sentence), async () => void slept++).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof WriterLockHeld, String(error));
    assert.equal([said.length, slept], [0, 0]);
  }),
);

test.run();

// putInPlace (src/files/part-file.ts) moves the part to a private name, '.octant-exec-taking-…',
// checks it there, then renames it onto DST. That name must never show through: a Ctrl-C between
// the two renames removes it too (cp's removingPartsOnSignal); a final rename that fails (DST a
// folder by then, another user's file in a sticky /tmp) is said of DST; and on a file system
// without hard links (vfat, exFAT, some SMB and FUSE mounts) another copy's part, taken by
// mistake, is put back, not deleted (that copy is the one meant to win).
import * as assert from 'uvu/assert';
import { closeSync, mkdirSync, openSync, promises, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { partFile, putInPlace, saidOfTarget, WRITE_NEW } from '../../src/files/part-file.ts';
import { removingPartsOnSignal } from '../../src/cli/cp/parts-on-signal.ts';
import { suite } from '../support/test.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('putInPlace\'s private taking name', { deadlineMs: 30_000 });

const makePart = async (part: string, byte: number) => {
  const fd = openSync(part, WRITE_NEW, 0o600);
  writeSync(fd, Buffer.alloc(1024, byte));
  closeSync(fd);
  const stat = await promises.lstat(part);
  return { dev: stat.dev, ino: stat.ino };
};

test('a Ctrl-C while the part is under its taking name leaves nothing behind', () =>
  withTempDir(async (dir) => {
    const target = join(dir, 'f.bin');
    const part = partFile(target);
    const ours = await makePart(part, 0x61);
    const { lstat } = promises;
    const exit = process.exit;
    let exited: number | undefined;
    process.exit = ((code?: number) => {
      exited = code;
    }) as typeof process.exit;
    try {
      await removingPartsOnSignal(new Set([part]), async () => {
        const onSigint = process.listeners('SIGINT').at(-1) as () => void;
        promises.lstat = (async (...args: Parameters<typeof lstat>) => {
          if (String(args[0]).includes('.octant-exec-taking-')) {
            onSigint(); // Ctrl-C now: the handler removes the parts it knows, and the process ends here
            return new Promise(() => {}) as never; // nothing of this copy runs after the exit
          }
          return lstat(...args);
        }) as typeof lstat;
        void putInPlace(part, ours, target).catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 200));
      });
    } finally {
      promises.lstat = lstat;
      process.exit = exit;
    }
    assert.is(exited, 130, 'the Ctrl-C came while the part was under its taking name');
    const left = readdirSync(dir);
    assert.equal(left.filter((name) => name !== 'f.bin'), [], `an interrupted copy leaves ${left.join(', ')} in DST's folder`);
  }));

test('a final rename that fails is said of DST, not of a taking name the user never gave', () =>
  withTempDir(async (dir) => {
    const target = join(dir, 'f.bin');
    mkdirSync(target); // DST became a folder after cp looked (or: another user's file in a sticky /tmp, EPERM)
    writeFileSync(join(target, 'x'), 'x');
    const part = partFile(target);
    const ours = await makePart(part, 0x61);
    let failed: NodeJS.ErrnoException | undefined;
    try {
      await putInPlace(part, ours, target);
    } catch (error) {
      failed = saidOfTarget(error, part, target) as NodeJS.ErrnoException; // as cp-command.ts and safe-extract.ts do
    }
    assert.ok(failed, 'the rename onto a folder failed');
    assert.not.match(failed!.message, /octant-exec-taking/, `the user is told: ${failed!.message}`);
    assert.not.match(String(failed!.path), /octant-exec-taking/);
    assert.equal(readdirSync(dir).sort(), ['f.bin'], 'nothing left beside DST');
  }));

test('another copy\'s part, taken by mistake, is put back even where hard links are refused', () =>
  withTempDir(async (dir) => {
    const target = join(dir, 'f.bin');
    const part = partFile(target);
    const ours = await makePart(part, 0x61);
    // a second copy started while this one still wrote (its file open: the inode is not reused),
    // cleared the part's name and writes its own there
    const stillOpen = openSync(part, 'r');
    await promises.unlink(part);
    await makePart(part, 0x62);
    closeSync(stillOpen);
    const { link } = promises;
    promises.link = (async () => {
      throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM', syscall: 'link' });
    }) as typeof link; // vfat, exFAT, some SMB and FUSE mounts
    let failed: NodeJS.ErrnoException | undefined;
    try {
      await putInPlace(part, ours, target);
    } catch (error) {
      failed = error as NodeJS.ErrnoException;
    } finally {
      promises.link = link;
    }
    assert.is(failed?.code, 'EBUSY', 'this copy stops');
    const second = await promises.readFile(part).catch(() => undefined);
    assert.ok(second?.equals(Buffer.alloc(1024, 0x62)), `the second copy's part is ${second ? 'changed' : 'gone'}: that copy fails too, and DST gets neither`);
    assert.equal(readdirSync(dir).filter((name) => name.includes('octant-exec-taking')), []);
  }));

test.run();

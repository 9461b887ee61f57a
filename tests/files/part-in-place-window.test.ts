// e74df88 (2): two copies to one DST share one part name (.DST.octant-exec-part). The first, whole,
// now checks that the part is still its own (lstat: device and inode) and only then renames it
// into place. Check and rename are two steps: a second copy that clears the part's name and makes
// its own between them (clearPart + open O_EXCL, what every copy's start does) has its
// unfinished part renamed into DST by the first, which says it succeeded: the short file under
// the real name the fix was for. The second copy starting in that window is simulated here,
// exactly there (right after putInPlace's lstat answered).
import * as assert from 'uvu/assert';
import { closeSync, existsSync, openSync, promises, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { partFile, putInPlace, WRITE_NEW } from '../../src/files/part-file.ts';
import { suite } from '../support/test.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('a part put in place only if it is this copy\'s', { deadlineMs: 30_000 });

const SIZE = 64 * 1024;

test('a second copy that takes the part name between the check and the rename does not get its half-written part renamed into DST', () =>
  withTempDir(async (dir) => {
    const target = join(dir, 'f.bin');
    const part = partFile(target);
    // the first copy: its part, whole
    const fd = openSync(part, WRITE_NEW, 0o600);
    writeSync(fd, Buffer.alloc(SIZE, 0x61));
    closeSync(fd);
    const ours = await promises.lstat(part);
    // the second copy starts right after the first looked at the part
    const lstat = promises.lstat;
    let secondStarted = false;
    promises.lstat = (async (...args: Parameters<typeof lstat>) => {
      const answer = await lstat(...args);
      // the first look at any file of DST's folder is the check (whatever name a fix gives it)
      if (!secondStarted && String(args[0]).startsWith(dir)) {
        secondStarted = true;
        try {
          unlinkSync(part); // clearPart
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
        const second = openSync(part, WRITE_NEW, 0o600);
        writeSync(second, Buffer.alloc(SIZE / 2, 0x62)); // half of its bytes so far
        closeSync(second);
      }
      return answer;
    }) as typeof lstat;
    let failed: Error | undefined;
    try {
      await putInPlace(part, { dev: ours.dev, ino: ours.ino }, target);
    } catch (error) {
      failed = error as Error;
    } finally {
      promises.lstat = lstat;
    }
    assert.ok(secondStarted, 'the second copy started between the check and the rename');
    if (existsSync(target)) {
      const got = readFileSync(target);
      assert.ok(got.equals(Buffer.alloc(SIZE, 0x61)), `DST holds ${got.length} bytes starting "${got.subarray(0, 1)}" (the second copy's unfinished part), and the first copy ${failed ? `failed: ${failed.message}` : 'said it succeeded'}`);
    } else assert.ok(failed, 'nothing put in DST, and the first copy says it stopped');
  }));

test.run();

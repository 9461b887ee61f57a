// Two copies of the same file into the same place at once (two `octant-exec cp` of one folder, or
// of one file, run side by side): both write into the same part file name beside it. The second
// clears the first one's part to make its own; the first, done, must not rename that part (the
// second's, still being written) into the file's place: a short file under a real name, and the
// second copy then failing although its bytes ended up there.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { extractTar } from '../../src/files/safe-extract.ts';
import { encodeHeader, padding } from '../../src/files/tar-header.ts';
import { waitFor } from '../support/wait.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('part file race', { deadlineMs: 30_000 });

const SIZE = 4096;

/** A tar of one file "f" of SIZE bytes of `fill`, whose second half waits for `release()`. */
function gatedTar(fill: number): { source: AsyncIterable<Uint8Array>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const source = (async function* () {
    yield encodeHeader({ name: 'f', type: 'file', mode: 0o644, size: SIZE, mtime: 0 });
    yield new Uint8Array(SIZE / 2).fill(fill);
    await gate;
    yield new Uint8Array(SIZE / 2).fill(fill);
    if (padding(SIZE)) yield new Uint8Array(padding(SIZE));
    yield new Uint8Array(1024);
  })();
  return { source, release };
}

const partSize = (dir: string) => {
  try {
    return statSync(join(dir, '.f.octant-exec-part')).size;
  } catch {
    return -1;
  }
};

test('the first copy done never puts the second one\'s unfinished part in place; the second copy, done, is put there whole', () =>
  withTempDir(async (dir) => {
    const a = gatedTar(0x61);
    const b = gatedTar(0x62);
    const first = extractTar(a.source, dir).then(() => 'done', (error: Error) => error.message);
    await waitFor(() => partSize(dir) === SIZE / 2, "the first copy's part to hold its first half");
    const second = extractTar(b.source, dir).then(() => 'done', (error: Error) => error.message);
    await waitFor(() => partSize(dir) === SIZE / 2 && readFileSync(join(dir, '.f.octant-exec-part'))[0] === 0x62, "the second copy's part to hold its first half");
    a.release();
    const firstSaid = await first;
    const f = join(dir, 'f');
    if (existsSync(f)) assert.ok(readFileSync(f).equals(Buffer.alloc(SIZE, 0x61)), `the first copy (${firstSaid}) left a file that is not its own whole one: ${readFileSync(f).length} bytes, starting ${readFileSync(f).subarray(0, 8).toString()}`);
    else assert.is.not(firstSaid, 'done', 'the first copy says it is done, and put nothing in place');
    b.release();
    assert.is(await second, 'done', 'the second copy, whose part was its own to the end');
    assert.ok(readFileSync(f).equals(Buffer.alloc(SIZE, 0x62)), 'the second copy is in place, whole');
    assert.not.ok(existsSync(join(dir, '.f.octant-exec-part')), 'no part left behind');
  }));

test.run();

// A disk that stops answering (a stuck network mount, a dying disk) while a terminal prints fast:
// the writer must not hold what waits for it up to --record-max-bytes (64 MiB by default, up to
// 1 GiB, per terminal) in memory. Past a bound it stops the recording as failed and says so at
// once; when the disk answers again the file ends at its last whole line, counted as it is.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { CastWriter, MAX_WAITING_BYTES, castFiles } from '../../src/recording/cast-writer.ts';
import type { CastSinks } from '../../src/recording/recording-storage.ts';
import { readBack } from '../recording/read-back.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { withTimeout } from '../support/wait.ts';

const header = { width: 80, height: 24, timestamp: 1_800_000_000, command: 'bash', env: { TERM: 'xterm-256color' } };

/** Real files whose writes after the header wait until `answer` is called. */
function hangingDisk() {
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  const storage: CastSinks = { ...castFiles, open: async (path) => {
    const file = await open(path, 'wx', 0o600);
    let writes = 0;
    return {
      write: (async (data: Buffer, offset: number, length: number) => {
        if (writes++ > 0) await answered;
        return file.write(data, offset, length);
      }) as never,
      datasync: () => file.datasync(),
      truncate: (size: number) => file.truncate(size),
      close: () => file.close(),
    };
  } };
  return { storage, answer: () => answer() };
}

test('a disk that does not answer: the recording stops as failed past a bound, said at once, not at its size limit', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'run.cast');
    const disk = hangingDisk();
    const stopped: string[] = [];
    const maxBytes = 256 << 20;
    const w = new CastWriter({ name: path, header, maxBytes, now: () => 0, storage: disk.storage, stoppedItself: (reason, detail) => stopped.push(`${reason}: ${detail}`) });
    const chunk = new TextEncoder().encode('y\n'.repeat(32 * 1024));
    // 128 MiB printed, a chunk a turn, as a terminal's output comes
    for (let i = 0; i < 2048 && !w.stopped; i++) {
      w.output(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.is(w.stopped, 'failed', 'stopped before the disk answers');
    assert.is(stopped.length, 1);
    assert.match(stopped[0], /^failed: the file could not be written \(the disk has not taken/);
    disk.answer();
    await withTimeout(w.closed, 10_000, 'the file closed once the disk answers');
    assert.is(w.bytes, statSync(path).size, 'the count is the file');
    assert.is((await readBack(path, maxBytes)).damage, undefined);
  }));

test('stopped while the disk does not answer, with the last lines past the bound: failed, not ended, said once', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'run.cast');
    const disk = hangingDisk();
    const stopped: string[] = [];
    const w = new CastWriter({ name: path, header, maxBytes: 256 << 20, now: () => 0, storage: disk.storage, stoppedItself: (reason, detail) => stopped.push(`${reason}: ${detail}`) });
    // each event is [0,"o","…"] and a newline: 11 bytes more than its text; filled to 100 bytes short of the bound
    const line = 4 << 20;
    for (let left = MAX_WAITING_BYTES - 100; left > 0; left -= line) {
      w.output(new TextEncoder().encode('x'.repeat(Math.min(line, left) - 11)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.is(w.stopped, undefined);
    w.output(new TextEncoder().encode('y'.repeat(200))); // buffered: the stop hands it to the disk
    const closed = w.stop('ended');
    assert.is(w.stopped, 'failed');
    assert.equal(stopped.map((s) => s.split(':')[0]), ['failed']);
    disk.answer();
    await withTimeout(closed, 10_000, 'the file closed once the disk answers');
    assert.is(w.stopped, 'failed');
    assert.is(w.bytes, statSync(path).size, 'the count is the file');
    assert.is((await readBack(path, 256 << 20)).damage, undefined);
  }));

test.run();

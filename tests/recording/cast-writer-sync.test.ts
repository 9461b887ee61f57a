// A write is made durable within the flush interval even when nothing follows it: a terminal that
// prints a burst and then sits idle must not leave its last output waiting for its next write (or
// the stop) to be fdatasynced, since a crash meanwhile would lose it.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { CastWriter, castFiles } from '../../src/recording/cast-writer.ts';
import type { CastSinks } from '../../src/recording/recording-storage.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait.ts';

const header = { width: 80, height: 24, timestamp: 1_800_000_000, command: 'bash', env: { TERM: 'xterm-256color' } };

/** files, with each write and datasync told in order */
function watchedFiles(done: string[]): CastSinks {
  return {
    ...castFiles,
    open: async (path, append) => {
      const file = await castFiles.open(path, append);
      return {
        write: async (buffer, offset, length) => {
          const written = await file.write(buffer, offset, length);
          done.push('write');
          return written;
        },
        datasync: async () => {
          await file.datasync();
          done.push('datasync');
        },
        truncate: (length) => file.truncate(length),
        close: () => file.close(),
      };
    },
  };
}

test('a write right after a datasync, then nothing: it is made durable within the flush interval, without a next write or a stop', () =>
  withTempDir(async (dir) => {
    const done: string[] = [];
    // the clock stands still: the burst comes within the interval of the header's datasync, however slow the machine
    const w = new CastWriter({ name: join(dir, 'run.cast'), header, maxBytes: 1 << 20, now: () => 0, flushMs: 1500, storage: watchedFiles(done) });
    await waitFor(() => done.length === 2, 'the header written and made durable', 5_000);
    assert.equal(done, ['write', 'datasync']);
    w.output(new Uint8Array(70 * 1024).fill(0x61)); // past the writer's buffer: written at once
    await waitFor(() => done.length === 3, 'the burst written', 5_000);
    assert.equal(done, ['write', 'datasync', 'write'], 'within the interval of the last datasync: written, not yet made durable');
    await waitFor(() => done.length === 4, 'the idle last write made durable', 5_000);
    assert.equal(done, ['write', 'datasync', 'write', 'datasync']);
    await w.stop('ended');
  }));

test.run();

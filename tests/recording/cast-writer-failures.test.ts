// The asciicast writer when the disk refuses (a full disk, a write that goes half-way): the
// recording stops with 'failed' and says why, a file without its header is removed (its handle
// closed), a torn last line is cut off so the file reads whole and its size is what the disk
// holds; a name already taken is not made, and the file that has it is left alone; times never
// go backwards when the clock steps back; a failed compression leaves no .gz.part behind.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { CastWriter, castFiles } from '../../src/recording/cast-writer.ts';
import type { CastSinks } from '../../src/recording/recording-storage.ts';
import { compressCast } from '../../src/recording/compress-cast.ts';
import { readBack } from './read-back.ts';
import { withTempDir } from '../support/temp-dir.ts';

const header = { width: 80, height: 24, timestamp: 1_800_000_000, command: 'bash', env: { TERM: 'xterm-256color' } };
const bytes = (text: string) => new TextEncoder().encode(text);
const full = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/** A real file whose writes succeed `whole` times, then the next writes `half` of what it is given and the one after fails. */
function failingDisk(whole: number, half: boolean, closed: string[]): CastSinks {
  return { ...castFiles, open: async (path) => {
    const file = await open(path, 'wx', 0o600);
    let writes = 0;
    let torn = false;
    return {
      write: (async (data: Buffer, offset: number, length: number) => {
        if (writes++ < whole) return file.write(data, offset, length);
        if (half && !torn) {
          torn = true;
          return file.write(data, offset, Math.ceil(length / 2));
        }
        throw full();
      }) as never,
      datasync: () => file.datasync(),
      truncate: (size?: number) => file.truncate(size),
      close: () => {
        closed.push(path);
        return file.close();
      },
    };
  } };
}

test('a header the disk refuses: the file is closed and removed, the recording stops as failed and says why', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'run.cast');
    const closed: string[] = [];
    const stopped: string[] = [];
    const w = new CastWriter({ name: path, header, maxBytes: 1 << 20, now: () => 0, storage: failingDisk(0, false, closed), stoppedItself: (reason, detail) => stopped.push(`${reason}: ${detail}`) });
    w.output(bytes('lost'));
    await w.closed;
    assert.is(w.stopped, 'failed');
    assert.equal(stopped, ['failed: the file could not be made (ENOSPC: no space left on device, write)']);
    assert.equal(closed, [path], 'its handle closed');
    assert.equal(readdirSync(dir), [], 'no empty or headless file left');
    assert.is(w.bytes, 0);
  }));

test("a name already taken is not made, and the file that has it stays: it is another recording's", () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'run.cast');
    const first = new CastWriter({ name: path, header, maxBytes: 1 << 20, now: () => 0 });
    first.output(bytes('kept'));
    await first.stop('ended');
    const stopped: string[] = [];
    const second = new CastWriter({ name: path, header, maxBytes: 1 << 20, now: () => 0, stoppedItself: (reason) => stopped.push(reason) });
    await second.closed;
    assert.equal([second.stopped, stopped, second.bytes], ['failed', ['failed'], 0]);
    const events = readFileSync(path, 'utf8').trimEnd().split('\n').slice(1).map((line) => JSON.parse(line)[2]);
    assert.equal(events, ['kept'], 'the first one, whole');
  }));

test('a write that goes half-way and then fails: the torn line is cut off, the count is what the disk holds', () =>
  withTempDir(async (dir) => {
    const stopped: string[] = [];
    const torn = join(dir, 'torn.cast');
    const w = new CastWriter({ name: torn, header, maxBytes: 1 << 20, now: () => 0, storage: failingDisk(1, true, []), stoppedItself: (reason) => stopped.push(reason) });
    w.output(bytes('kept?\r\n'));
    await w.stop('ended');
    assert.is(w.stopped, 'failed');
    assert.equal(stopped, ['failed']);
    assert.is(w.bytes, statSync(torn).size, 'the count is the file');
    const fromTorn = await readBack(torn, 1 << 20);
    assert.is(fromTorn.damage, undefined, 'the half line was cut off');
    assert.is(fromTorn.text, `${JSON.stringify({ version: 2, ...header })}\n`);
  }));

test('a clock stepped back never makes event times go backwards', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'run.cast');
    let now = 10_000;
    const w = new CastWriter({ name: path, header, maxBytes: 1 << 20, now: () => now });
    now += 2000;
    w.output(bytes('a'));
    now -= 5000; // the wall clock stepped back
    w.output(bytes('b'));
    now += 4000;
    w.output(bytes('c'));
    await w.stop('ended');
    const times = readFileSync(path, 'utf8').trimEnd().split('\n').slice(1).map((line) => JSON.parse(line)[0]);
    assert.equal(times, [2, 2, 2]);
  }));

test('a compression that fails leaves the plain file and no .gz.part', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'run.cast');
    mkdirSync(path); // not readable as a file: the gzip stream fails after its output is made
    let failed = false;
    await compressCast(path).catch(() => (failed = true));
    assert.ok(failed);
    assert.equal(readdirSync(dir), ['run.cast']);
  }));

test.run();

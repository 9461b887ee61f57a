// Reading a recording as a stream: a large cast is checked and given piece by piece (its size
// known before its first byte goes out), a line longer than any the writer makes is damage, and
// the file read is the one opened even if it is replaced meanwhile (a compression's rename).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { MAX_LINE_BYTES, readCast } from '../../src/recording/cast-file.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { readBack } from './read-back.ts';

const header = `${JSON.stringify({ version: 2, width: 80, height: 24, timestamp: 1, command: 'sh', env: { TERM: 'xterm' } })}\n`;

test('a 24 MB cast: every line checked, its size known first, the text streamed whole', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'big.cast');
    const line = `${JSON.stringify([1.5, 'o', 'x'.repeat(1000)])}\n`;
    const body = header + line.repeat(24_000);
    writeFileSync(path, body);
    const cast = await readCast(path, 64 << 20);
    assert.is(cast.bytes, Buffer.byteLength(body));
    assert.is(cast.damage, undefined);
    const streamed = await text(cast.text()).finally(() => cast.close());
    assert.is(streamed.length, body.length);
    assert.ok(streamed === body);
  }));

test('a line longer than the writer ever makes is damage: the lines before it are read', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'long.cast');
    const first = `${JSON.stringify([0.1, 'o', 'ok'])}\n`;
    writeFileSync(path, header + first + `[0.2,"o","${'y'.repeat(MAX_LINE_BYTES + 10)}"]\n`);
    const read = await readBack(path, 64 << 20);
    assert.ok(read.text === header + first, `${read.text.length} characters read`);
    assert.match(read.damage!, `line 3 is longer than ${MAX_LINE_BYTES} bytes`);
  }));

test('what is read is the file opened, even when another takes its name meanwhile', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'run.cast');
    writeFileSync(path, header);
    const cast = await readCast(path, 1 << 20);
    writeFileSync(join(dir, 'other'), 'not a cast at all\n');
    renameSync(join(dir, 'other'), path);
    assert.is(await text(cast.text()).finally(() => cast.close()), header);
  }));

test.run();

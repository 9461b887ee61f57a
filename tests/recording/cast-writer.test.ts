// The asciicast writer and reader on their own: the header and the o/r/i events with their times,
// a UTF-8 character cut between two chunks, the size limit (the recording stops, says so once,
// writes nothing past it), the flush that a crash relies on, compression at rest (mode 0600), and
// damaged files read back as far as they go, or refused with a sentence.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CastWriter } from '../../src/recording/cast-writer.ts';
import { compressCast } from '../../src/recording/compress-cast.ts';
import { CastDamaged } from '../../src/recording/cast-file.ts';
import { readBack } from './read-back.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait.ts';

const header = { width: 80, height: 24, timestamp: 1_800_000_000, command: 'bash', env: { TERM: 'xterm-256color' } };

function writer(path: string, options: { maxBytes?: number; flushMs?: number; stopped?: string[] } = {}) {
  let now = 1_800_000_000_000;
  const w = new CastWriter({ name: path, header, maxBytes: options.maxBytes ?? 1 << 20, now: () => now, flushMs: options.flushMs ?? 1000, stoppedItself: (reason, detail) => options.stopped?.push(`${reason}: ${detail}`) });
  return { w, advance: (ms: number) => (now += ms) };
}

const lines = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
const bytes = (text: string) => new TextEncoder().encode(text);

test('a header line, then output, resize and input events at their times; a character cut in two arrives whole', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'run.cast');
    const { w, advance } = writer(path);
    const euro = bytes('€ ok'); // € is 3 bytes: cut after the first
    w.output(euro.subarray(0, 1));
    advance(250);
    w.output(euro.subarray(1));
    advance(1000);
    w.resize(120, 40);
    advance(5);
    w.input(bytes('ls\r'));
    w.output(bytes('\x1b[31mred\x1b[0m\r\n'));
    await w.stop('ended');
    const [head, ...events] = lines(path);
    assert.equal(head, { version: 2, ...header });
    assert.equal(events, [
      [0.25, 'o', '€ ok'],
      [1.25, 'r', '120x40'],
      [1.255, 'i', 'ls\r'],
      [1.255, 'o', '\x1b[31mred\x1b[0m\r\n'],
    ]);
    assert.is(w.bytes, statSync(path).size);
    assert.is(statSync(path).mode & 0o777, 0o600);
  }));

test('a character still cut when the recording stops is written as a replacement, not lost silently', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'run.cast');
    const { w } = writer(path);
    w.output(bytes('a').subarray(0, 1));
    w.output(new Uint8Array([0xe2, 0x82])); // the start of €
    await w.stop('user');
    assert.equal(lines(path).slice(1), [
      [0, 'o', 'a'],
      [0, 'o', '\ufffd'],
    ]);
  }));

test('at the size limit the recording stops, says so once, and nothing past the limit is written', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'run.cast');
    const stopped: string[] = [];
    const { w } = writer(path, { maxBytes: 400, stopped });
    for (let i = 0; i < 50; i++) w.output(bytes(`line ${i}\r\n`));
    assert.is(w.stopped, 'limit');
    assert.equal(stopped, ['limit: it reached its limit of 400 bytes']);
    await w.closed;
    const size = statSync(path).size;
    assert.ok(size <= 400 && size > 370, `${size} bytes: filled up to the limit, less than an event's frame short`);
    assert.is(w.bytes, size);
    const events = lines(path).slice(1);
    const last = events.pop()![2] as string;
    assert.equal(events.map((e) => e[2]), events.map((_, i) => `line ${i}\r\n`), 'whole events, in order');
    assert.ok(last.length > 0 && `line ${events.length}\r\n`.startsWith(last), `then what fit of the next: ${JSON.stringify(last)}`);
    await w.stop('ended'); // the run's end later changes nothing
    assert.is(w.stopped, 'limit');
    assert.is(statSync(path).size, size);
  }));

test('one chunk bigger than the room left: the part that fits goes in, never half a character, and the cast is read back whole', () =>
  withTempDir(async (dir) => {
    for (const [name, text] of [['ascii', 'x'.repeat(100_000)], ['emoji', '\u{1F600}'.repeat(30_000)], ['escaped', '\u001b[1m"\\'.repeat(20_000)]] as const) {
      const path = join(dir, `${name}.cast`);
      const { w } = writer(path, { maxBytes: 4096 });
      w.output(bytes('$ '));
      w.output(bytes(text));
      assert.is(w.stopped, 'limit', name);
      await w.closed;
      const size = statSync(path).size;
      assert.ok(size <= 4096 && size > 4096 - 16, `${name}: ${size} bytes`);
      const [, prompt, cut] = lines(path);
      assert.is(prompt[2], '$ ');
      assert.ok(cut[2].length > 0 && text.startsWith(cut[2]), `${name}: a start of the chunk, ${cut[2].length} characters`);
      assert.not.match(cut[2], /[\ud800-\udbff]$/, `${name}: no half of a character at the end`);
    }
  }));

test('turned off and on again at once: what the file holds counts against the limit before the first writer has closed', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'run.cast');
    const first = writer(path, { maxBytes: 1000 }).w;
    for (let i = 0; i < 20; i++) first.output(bytes(`first ${i}\r\n`));
    void first.stop('user');
    const again = new CastWriter({ name: path, header, maxBytes: 1000, now: () => 1_800_000_000_000, resume: first });
    for (let i = 0; i < 40; i++) again.output(bytes(`again ${i}\r\n`)); // before the first has closed
    assert.is(again.stopped, 'limit');
    await again.closed;
    const size = statSync(path).size;
    assert.ok(size <= 1000, `${size} bytes, over the limit of 1000`);
    assert.is(again.bytes, size);
  }));

test('events are on the disk within the flush interval, before the recording stops', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'run.cast');
    const { w } = writer(path, { flushMs: 20 });
    await waitFor(() => (statSync(path, { throwIfNoEntry: false })?.size ?? 0) > 0, 'the header', 5_000);
    const afterHeader = statSync(path).size;
    w.output(bytes('written soon'));
    assert.is(statSync(path).size, afterHeader, 'buffered at first');
    await waitFor(() => statSync(path).size > afterHeader, 'the flush', 5_000);
    assert.equal(lines(path)[1], [0, 'o', 'written soon']);
    await w.stop('ended');
  }));

test('compressed at rest: the .gz holds the same cast, mode 0600, and the plain file is gone', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'run.cast');
    const { w } = writer(path);
    w.output(bytes('hello\r\n'));
    await w.stop('ended');
    const plain = readFileSync(path);
    const gz = await compressCast(path);
    assert.is(gz, `${path}.gz`);
    assert.ok(gunzipSync(readFileSync(gz)).equals(plain));
    assert.is(statSync(gz).mode & 0o777, 0o600);
    assert.is(statSync(path, { throwIfNoEntry: false }), undefined);
    const read = await readBack(gz, 1 << 20);
    assert.is(read.text, plain.toString());
    assert.is(read.damage, undefined);
    assert.ok(read.stored?.equals(readFileSync(gz)), 'a whole file can be sent as it is stored');
  }));

test('damaged files: read up to the damage and say where; no header at all is refused', () =>
  withTempDir(async (dir) => {
    const good = `${JSON.stringify({ version: 2, ...header })}\n${JSON.stringify([0.5, 'o', 'first'])}\n${JSON.stringify([1, 'o', 'second'])}\n`;
    const firstTwo = good.split('\n').slice(0, 2).join('\n') + '\n';

    const torn = join(dir, 'torn.cast'); // a crash mid-line
    writeFileSync(torn, good.slice(0, -5));
    const fromTorn = await readBack(torn, 1 << 20);
    assert.is(fromTorn.text, firstTwo);
    assert.match(fromTorn.damage!, /cut off/);

    const garbled = join(dir, 'garbled.cast');
    writeFileSync(garbled, good.replace('"second"', 'sec\u0000ond'));
    const fromGarbled = await readBack(garbled, 1 << 20);
    assert.is(fromGarbled.text, firstTwo);
    assert.match(fromGarbled.damage!, /line 3 is not an asciicast event/);

    const truncatedGz = join(dir, 'truncated.cast.gz');
    let filler = ''; // letters that do not compress much, so the cut falls well after the good lines
    for (let i = 1, x = 7; i < 100_000; i++) filler += String.fromCharCode(97 + ((x = (x * 48271) % 2147483647) % 26));
    const gz = gzipSync(good + filler);
    writeFileSync(truncatedGz, gz.subarray(0, gz.length - 200));
    const fromGz = await readBack(truncatedGz, 1 << 20);
    assert.ok(fromGz.text.startsWith(good), 'what came before the damage');
    assert.match(fromGz.damage!, /compressed data is damaged/);
    assert.is(fromGz.stored, undefined, 'a damaged file is never sent as stored');

    const noHeader = join(dir, 'noise.cast.gz');
    writeFileSync(noHeader, Buffer.from('not gzip at all'));
    const refusal = await readBack(noHeader, 1 << 20).then(() => undefined, (error: Error) => error);
    assert.ok(refusal instanceof CastDamaged, String(refusal));
    assert.match(refusal.message, /cannot be read: its compressed data is damaged/);

    const bomb = join(dir, 'bomb.cast.gz');
    writeFileSync(bomb, gzipSync(good + JSON.stringify([2, 'o', 'y'.repeat(2 << 20)]) + '\n'));
    const fromBomb = await readBack(bomb, 1 << 20);
    assert.is(fromBomb.text, good, 'stops at the read limit');
    assert.match(fromBomb.damage!, /larger than 1048576 bytes decompressed/);
  }));

test.run();

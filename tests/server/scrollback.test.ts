// The scrollback (src/server/scrollback.ts) on its own. A terminal whose output comes a few bytes
// at a time (a progress dot a write, echoed keys, a trickling log) is held at the cost of its
// bytes, not of a heap object and a move of every other chunk per chunk: kept a chunk apiece, 1 MiB
// of one-byte chunks held a million objects (about 200 MiB of heap), and once full each new byte
// shifted a million entries twice, the server's one thread with it. What it holds is exactly what a
// plain model of "the last bytes, from a character start" holds. Its trimmed start never falls
// inside a UTF-8 character (docs/api.md: "trimmed at a UTF-8 character boundary"), also when the
// character was split across two chunks of output, as a PTY's 4 KiB reads split them all the time.
// Nor when stdout and stderr take turns (a build log, or on purpose): a block apiece held 1 MiB in
// 266 MiB; the changes of stream are kept beside the bytes and counted, 8 bytes each, in its cost.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Scrollback } from '../../src/server/scrollback.ts';
import { CHANGE_COST } from '../../src/server/channel-changes.ts';
import type { OutputChannel } from '../../src/runtime/terminal-io.ts';

const test = suite('scrollback', { deadlineMs: 60_000 });
const bytes = (text: string) => new TextEncoder().encode(text);
const strict = (data: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(data);

test('a byte at a time, well past a full scrollback: held in a few blocks, not an object per byte', async () => {
  const limit = 256 * 1024;
  const sb = new Scrollback(limit);
  const dot = new Uint8Array([0x2e]);
  for (let i = 0; i < 2 * limit; i++) {
    sb.append(dot);
    // as output comes, a turn of the event loop at a time: the deadline can end a test that hangs
    if (i % 1024 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  assert.ok(sb.blocks <= limit / (16 * 1024) + 2, `${sb.blocks} blocks hold ${sb.size} bytes`);
  assert.is(sb.size, limit);
  assert.is(sb.end, 2 * limit);
  const held = sb.since(0);
  assert.is(held.bytes.length, limit);
  assert.ok(held.bytes.every((b) => b === 0x2e));
  assert.equal(held.runs, [{ channel: 'stdout', length: limit }]);
});

test('stdout and stderr taking turns, a byte or 64 at a time: a few blocks, each change counted, every byte replayed on its stream', async () => {
  const limit = 256 * 1024;
  for (const each of [1, 64]) {
    const sb = new Scrollback(limit);
    const channelAt = (offset: number): OutputChannel => (Math.floor(offset / each) % 2 ? 'stderr' : 'stdout');
    for (let at = 0; at < 2 * limit; at += each) {
      sb.append(new Uint8Array(each).fill(0x61), channelAt(at));
      if (at % (1024 * each) === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(sb.blocks <= sb.size / (16 * 1024) + 2, `${sb.blocks} blocks hold ${sb.size} bytes`);
    const changes = Math.ceil((sb.end - sb.start) / each) - 1; // between the writes it reaches into (the end is one's end)
    assert.is(sb.cost, sb.size + CHANGE_COST * changes);
    assert.ok(sb.cost <= limit && sb.cost > limit - CHANGE_COST - each, `${sb.cost} for a limit of ${limit}`);
    const { from, runs } = sb.since(sb.start + 3);
    assert.is(from, sb.start + 3);
    let offset = from;
    for (const run of runs) {
      assert.is(run.channel, channelAt(offset), `the run at ${offset}`);
      assert.is(run.length, Math.min(each - (offset % each), sb.end - offset));
      offset += run.length;
    }
    assert.is(offset, sb.end);
  }
});

/** What the model's bytes from `start` cost: each byte, and CHANGE_COST for each change of stream between two of them. */
function costFrom(all: { channel: OutputChannel }[], start: number): number {
  let changes = 0;
  for (let i = start + 1; i < all.length; i++) if (all[i].channel !== all[i - 1].channel) changes++;
  return all.length - start + CHANGE_COST * changes;
}

/** The model's start once it costs at most `cost`: a byte at a time, then past up to 3 continuation bytes. */
function trimmed(all: { byte: number; channel: OutputChannel }[], start: number, cost: number): number {
  if (costFrom(all, start) <= cost) return start;
  while (costFrom(all, start) > cost) start++;
  for (let skipped = 0; skipped < 3 && start < all.length && (all[start].byte & 0xc0) === 0x80; skipped++) start++;
  return start;
}

/** The model: every byte with its stream, trimmed to the limit after each chunk. */
function model(limit: number, chunks: { bytes: number[]; channel: OutputChannel }[]) {
  const all: { byte: number; channel: OutputChannel }[] = [];
  let start = 0;
  for (const chunk of chunks) {
    for (const byte of chunk.bytes) all.push({ byte, channel: chunk.channel });
    start = trimmed(all, start, limit);
  }
  return { all, start };
}

test('holds what the model holds: bytes, streams, offsets and line feeds, from any offset', () => {
  const chunk = fc.record({ bytes: fc.array(fc.constantFrom(0x61, 0x0a, 0xe2, 0x82, 0xac, 0xc3, 0xa9), { minLength: 0, maxLength: 40 }), channel: fc.constantFrom<OutputChannel>('stdout', 'stdout', 'stderr') });
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 200 }), fc.array(chunk, { maxLength: 200 }), fc.nat(), fc.nat(), (limit, chunks, a, b) => {
      const sb = new Scrollback(limit);
      for (const c of chunks) sb.append(new Uint8Array(c.bytes), c.channel);
      const { all, start } = model(limit, chunks);
      assert.is(sb.start, start);
      assert.is(sb.end, all.length);
      assert.is(sb.cost, costFrom(all, start));
      assert.ok(sb.blocks <= 2, `${sb.blocks} blocks hold ${sb.size} bytes`);
      const from = all.length ? a % (all.length + 2) : 0;
      const to = all.length ? b % (all.length + 2) : 0;
      const got = sb.since(from, to);
      const first = Math.min(Math.max(from, start), all.length);
      const want = all.slice(first, Math.max(first, Math.min(to, all.length)));
      assert.is(got.from, first);
      assert.equal([...got.bytes], want.map((x) => x.byte));
      const runs: { channel: OutputChannel; length: number }[] = [];
      for (const x of want) {
        if (runs.at(-1)?.channel === x.channel) runs.at(-1)!.length++;
        else runs.push({ channel: x.channel, length: 1 });
      }
      assert.equal(got.runs, runs);
      const feeds = all.slice(Math.max(from, start)).filter((x) => x.byte === 0x0a).length;
      assert.is(sb.lineFeedsSince(from, 5), Math.min(feeds, 6));
    }),
    { numRuns: 500 },
  );
});

test('an ended terminal let down to fewer bytes (keepLast) and fitted keeps what the model keeps, and takes output again', () => {
  const chunk = fc.record({ bytes: fc.array(fc.constantFrom(0x61, 0x0a, 0xe2, 0x82, 0xac), { maxLength: 3000 }), channel: fc.constantFrom<OutputChannel>('stdout', 'stderr') });
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40_000 }), fc.array(chunk, { maxLength: 30 }), fc.nat(40_000), (limit, chunks, kept) => {
      const sb = new Scrollback(limit);
      for (const c of chunks) sb.append(new Uint8Array(c.bytes), c.channel);
      sb.keepLast(kept);
      sb.fit();
      // the model trims after each chunk to the limit; keepLast trims once more, from there
      const { all, start: limited } = model(limit, chunks);
      const want = trimmed(all, limited, kept);
      assert.equal([sb.start, sb.end, sb.size, sb.cost], [want, all.length, all.length - want, costFrom(all, want)]);
      assert.equal(sb.since(0).runs.length, want === all.length ? 0 : 1 + (costFrom(all, want) - (all.length - want)) / CHANGE_COST);
      assert.equal([...sb.since(0).bytes], all.slice(want).map((x) => x.byte));
      sb.append(bytes('z'));
      assert.equal([sb.end, ...sb.since(all.length).bytes], [all.length + 1, 0x7a]);
    }),
    { numRuns: 200 },
  );
});

test('a character split across two chunks: the trim inside its first part does not leave its last part', () => {
  const euro = bytes('€'); // E2 82 AC
  const sb = new Scrollback(4);
  sb.append(new Uint8Array([0x61, euro[0], euro[1]])); // "a" and the first two bytes of "€"
  sb.append(new Uint8Array([euro[2], 0x62, 0x63])); // its last byte, then "bc"
  assert.is(strict(sb.since(0).bytes), 'bc', 'the replay starts at a character');
  assert.is(sb.start, 4);
  assert.is(sb.end, 6);
});

test('a chunk dropped whole, exactly, whose character goes on in the next: its last part goes too', () => {
  const euro = bytes('€');
  const sb = new Scrollback(4);
  sb.append(new Uint8Array([0x61, euro[0]])); // "a" and the first byte of "€"
  sb.append(new Uint8Array([euro[1], euro[2], 0x62, 0x63])); // the rest of "€", then "bc"
  // 6 bytes held, 4 kept: the first chunk goes whole, and the next would start inside "€"
  assert.is(strict(sb.since(0).bytes), 'bc');
  assert.is(sb.since(0).from, sb.start);
  assert.is(sb.end - sb.start, sb.size);
});

test.run();

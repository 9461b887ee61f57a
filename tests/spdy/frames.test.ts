import fc from 'fast-check';
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { SpdyProtocolError } from '../../src/spdy/errors.ts';
import { encodeFrame, type Frame, MAX_FRAME_PAYLOAD } from '../../src/spdy/frames.ts';
import { FrameParser } from '../../src/spdy/parser.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);
const plain = (frames: Frame[]) => JSON.parse(JSON.stringify(frames, (_k, v) => (v instanceof Uint8Array ? [...v] : v)));

const everyType: Frame[] = [
  { type: 'data', streamId: 1, fin: false, data: bytes(1, 2, 3) },
  { type: 'data', streamId: 0x7fffffff, fin: true, data: bytes() },
  { type: 'syn_stream', streamId: 3, associatedToStreamId: 1, priority: 7, slot: 2, fin: true, unidirectional: true, headerBlock: bytes(9, 8) },
  { type: 'syn_reply', streamId: 3, fin: true, headerBlock: bytes(7) },
  { type: 'headers', streamId: 5, fin: false, headerBlock: bytes(1, 1) },
  { type: 'rst_stream', streamId: 5, status: 5 },
  { type: 'settings', clear: true, settings: [{ id: 7, value: 1 << 20, flags: 1 }, { id: 4, value: 100, flags: 0 }] },
  { type: 'settings', clear: false, settings: [] },
  { type: 'ping', id: 0xffffffff },
  { type: 'goaway', lastGoodStreamId: 9, status: 1 },
  { type: 'window_update', streamId: 0, delta: 0x7fffffff },
];

test('every frame type survives encode then parse unchanged', () => {
  for (const frame of everyType) assert.equal(plain(new FrameParser().push(encodeFrame(frame))), plain([frame]), frame.type);
});

test('the parser returns the same frames when fed one byte at a time', () => {
  const wire = Uint8Array.from(everyType.flatMap((frame) => [...encodeFrame(frame)]));
  const parser = new FrameParser();
  const frames = [...wire].flatMap((byte) => parser.push(bytes(byte)));
  assert.equal(plain(frames), plain(everyType));
});

test('frames are encoded as the SPDY/3 draft lays them out', () => {
  // control bit + version 3, type 6 (PING), no flags, length 4, id 7
  assert.equal([...encodeFrame({ type: 'ping', id: 7 })], [0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 7]);
  // stream id 1, FIN, length 2
  assert.equal([...encodeFrame({ type: 'data', streamId: 1, fin: true, data: bytes(0xaa, 0xbb) })], [0, 0, 0, 1, 1, 0, 0, 2, 0xaa, 0xbb]);
});

test('a payload beyond the 24-bit length is refused when encoding', () => {
  assert.throws(() => encodeFrame({ type: 'data', streamId: 1, fin: false, data: new Uint8Array(MAX_FRAME_PAYLOAD + 1) }), RangeError);
});

function rejects(wire: Uint8Array, code: string, options = {}) {
  const parser = new FrameParser(options);
  assert.equal(parser.push(wire), [], 'no frame out of a bad one');
  const error = parser.failure;
  if (!error) return assert.unreachable(`accepted a frame that should fail with ${code}`);
  assert.instance(error, SpdyProtocolError);
  assert.is(error.code, code);
  // The parser stays failed: no resynchronising on garbage.
  assert.throws(() => parser.push(encodeFrame({ type: 'ping', id: 1 })), (e: unknown) => e === error);
}

test('malformed frames are rejected with a typed error', () => {
  const ping = encodeFrame({ type: 'ping', id: 1 });
  const version2 = ping.slice();
  version2[1] = 2;
  rejects(version2, 'unsupported-version');
  // PING with length 3 (truncated payload relative to its type)
  rejects(bytes(0x80, 3, 0, 6, 0, 0, 0, 3, 0, 0, 0), 'invalid-frame');
  rejects(bytes(0x80, 3, 0, 3, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 5), 'invalid-frame'); // RST_STREAM on stream 0
  rejects(bytes(0x80, 3, 0, 3, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0), 'invalid-frame'); // RST_STREAM status 0
  rejects(bytes(0x80, 3, 0, 9, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0), 'invalid-frame'); // WINDOW_UPDATE delta 0
  rejects(bytes(0x80, 3, 0, 4, 0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff), 'invalid-frame'); // SETTINGS count vs length
  rejects(bytes(0x80, 3, 0, 1, 0, 0, 0, 4, 0, 0, 0, 1), 'invalid-frame'); // SYN_STREAM too short
  rejects(bytes(0, 0, 0, 0, 0, 0, 0, 1, 0), 'invalid-frame'); // DATA on stream 0
});

test('the frames before a bad one in the same chunk come out; then the parser is failed', () => {
  const version2 = encodeFrame({ type: 'ping', id: 1 });
  version2[1] = 2;
  const good = [{ type: 'data' as const, streamId: 3, fin: false, data: bytes(0x61, 0x62) }, { type: 'ping' as const, id: 4 }];
  const parser = new FrameParser();
  const wire = Uint8Array.from([...good.flatMap((frame) => [...encodeFrame(frame)]), ...version2, ...encodeFrame({ type: 'ping', id: 6 })]);
  assert.equal(plain(parser.push(wire)), plain(good));
  assert.is(parser.failure?.code, 'unsupported-version');
  assert.throws(() => parser.push(encodeFrame({ type: 'ping', id: 8 })), (e: unknown) => e === parser.failure);
});

test('an oversized frame is rejected as soon as its header arrives', () => {
  rejects(bytes(0, 0, 0, 1, 0, 0x10, 0, 1), 'frame-too-large', { maxDataFrameLength: 1024 * 1024 }); // 1 MiB + 1
  rejects(bytes(0x80, 3, 0, 8, 0, 1, 0, 1), 'frame-too-large'); // control frame over 64 KiB
});

test('a truncated frame is not a frame: the parser waits for the rest', () => {
  const wire = encodeFrame({ type: 'goaway', lastGoodStreamId: 3, status: 0 });
  const parser = new FrameParser();
  assert.equal(parser.push(wire.subarray(0, wire.length - 1)), []);
  assert.equal(plain(parser.push(wire.subarray(wire.length - 1))), [{ type: 'goaway', lastGoodStreamId: 3, status: 0 }]);
});

test('unknown control frame types are skipped, as SPDY/3 requires', () => {
  const unknown = bytes(0x80, 3, 0, 10, 0, 0, 0, 2, 0xde, 0xad); // CREDENTIAL (type 10), dropped in 3.1
  const wire = Uint8Array.from([...unknown, ...encodeFrame({ type: 'ping', id: 2 })]);
  assert.equal(plain(new FrameParser().push(wire)), [{ type: 'ping', id: 2 }]);
});

test('property: random bytes in random chunks never raise anything but SpdyProtocolError', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 12 }), (chunks) => {
      const parser = new FrameParser({ maxDataFrameLength: 4096 });
      try {
        for (const chunk of chunks) parser.push(chunk);
      } catch (error) {
        if (!(error instanceof SpdyProtocolError)) throw error;
      }
    }),
    { numRuns: 2000 },
  );
});

const streamId = fc.integer({ min: 1, max: 0x7fffffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const block = fc.uint8Array({ maxLength: 40 });
const arbitraryFrame: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({ type: fc.constant('data' as const), streamId, fin: fc.boolean(), data: fc.uint8Array({ maxLength: 200 }) }),
  fc.record({
    type: fc.constant('syn_stream' as const), streamId, associatedToStreamId: fc.integer({ min: 0, max: 0x7fffffff }),
    priority: fc.integer({ min: 0, max: 7 }), slot: fc.integer({ min: 0, max: 255 }), fin: fc.boolean(), unidirectional: fc.boolean(), headerBlock: block,
  }),
  fc.record({ type: fc.constant('syn_reply' as const), streamId, fin: fc.boolean(), headerBlock: block }),
  fc.record({ type: fc.constant('headers' as const), streamId, fin: fc.boolean(), headerBlock: block }),
  fc.record({ type: fc.constant('rst_stream' as const), streamId, status: fc.integer({ min: 1, max: 11 }) }),
  fc.record({
    type: fc.constant('settings' as const), clear: fc.boolean(),
    settings: fc.array(fc.record({ id: fc.integer({ min: 0, max: 0xffffff }), value: u32, flags: fc.integer({ min: 0, max: 255 }) }), { maxLength: 5 }),
  }),
  fc.record({ type: fc.constant('ping' as const), id: u32 }),
  fc.record({ type: fc.constant('goaway' as const), lastGoodStreamId: fc.integer({ min: 0, max: 0x7fffffff }), status: u32 }),
  fc.record({ type: fc.constant('window_update' as const), streamId: fc.integer({ min: 0, max: 0x7fffffff }), delta: streamId }),
);

test('property: any sequence of frames round-trips through any chunking', () => {
  fc.assert(
    fc.property(fc.array(arbitraryFrame, { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }), (frames, cuts) => {
      const wire = Uint8Array.from(frames.flatMap((frame) => [...encodeFrame(frame)]));
      const parser = new FrameParser();
      const parsed: Frame[] = [];
      for (let offset = 0, i = 0; offset < wire.length; i++) {
        const size = cuts[i % cuts.length]!;
        parsed.push(...parser.push(wire.subarray(offset, offset + size)));
        offset += size;
      }
      assert.equal(plain(parsed), plain(frames));
    }),
    { numRuns: 500 },
  );
});

test.run();

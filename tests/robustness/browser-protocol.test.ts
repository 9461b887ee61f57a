// Property tests of what a browser sends the server: binary frames, JSON control messages, and a
// typed command line. Random, truncated, oversized and wrong-type input never throws; what is
// accepted is within bounds; the command-line rule reads back what its own quoting writes.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { formatArgv, splitCommandLine } from '../../src/domain/command-line.ts';
import { FrameKind, MAX_ID_LENGTH, decodeFrame, encodeFrame } from '../../src/protocol/index.ts';
import { isId } from '../../src/protocol/ids.ts';
import { isProblem, parseClientMessage } from '../../src/server/client-messages.ts';
import { MAX_TERMINAL_SIZE } from '../../src/protocol/index.ts';

const test = suite('robustness: the browser protocol');
// an id as the server gives them: of those characters, and never a name of Object's own ("toString": isId)
const sessionId = fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/).filter(isId);

test('property: any bytes decode to a frame or a sentence, never an exception', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const frame = decodeFrame(bytes);
      if (typeof frame === 'string') return;
      // the one decoder of both sides: a screen (kind 3) is the server's, refused from a client by the data plane
      assert.ok([FrameKind.Stdout, FrameKind.Stderr, FrameKind.Screen, FrameKind.Input].includes(frame.kind));
      assert.ok(frame.sessionId.length >= 1 && frame.sessionId.length <= MAX_ID_LENGTH);
    }),
    { numRuns: 2000 },
  );
  // found by the property above (seed -1557965832): a screen frame is a frame, not a sentence
  assert.equal(decodeFrame(Uint8Array.from([3, 1, 65])), { kind: FrameKind.Screen, sessionId: 'A', payload: new Uint8Array(0) });
});

test('property: frames round-trip, and every truncation is refused or shorter, never misread', () => {
  fc.assert(
    fc.property(fc.constantFrom(FrameKind.Stdout, FrameKind.Stderr, FrameKind.Input), sessionId, fc.uint8Array({ maxLength: 200 }), fc.nat(), (kind, id, payload, cut) => {
      const encoded = encodeFrame(kind, id, payload);
      assert.equal(decodeFrame(encoded), { kind, sessionId: id, payload });
      const truncated = decodeFrame(encoded.subarray(0, cut % encoded.length));
      if (typeof truncated !== 'string') {
        assert.is(truncated.sessionId, id, 'a truncated frame keeps its id or is refused');
        assert.ok(truncated.payload.length < payload.length);
      }
    }),
    { numRuns: 1000 },
  );
});

const jsonish = fc.oneof(
  fc.jsonValue(),
  fc.record({
    type: fc.constantFrom('attach', 'detach', 'resize', 'ack', 'eof', 'ping', 'watchPods', 'unwatchPods', 'bogus', 42),
    sessionId: fc.oneof(sessionId, fc.string(), fc.integer()),
    cols: fc.oneof(fc.integer(), fc.double(), fc.string()),
    rows: fc.oneof(fc.integer(), fc.double(), fc.constant(null)),
    bytes: fc.oneof(fc.integer(), fc.double()),
    from: fc.oneof(fc.integer(), fc.constant(-1)),
    namespace: fc.string(),
  }),
);

test('property: any control message parses to a known message or a named problem; sizes are clamped', () => {
  fc.assert(
    fc.property(fc.oneof(jsonish.map((v) => JSON.stringify(v) ?? 'null'), fc.string()), (text) => {
      const parsed = parseClientMessage(new TextEncoder().encode(text));
      if (isProblem(parsed)) {
        assert.type(parsed.message, 'string');
        return;
      }
      if (parsed.type === 'resize') {
        for (const side of [parsed.cols, parsed.rows]) assert.ok(Number.isInteger(side) && side >= 1 && side <= MAX_TERMINAL_SIZE, JSON.stringify(parsed));
      }
      if (parsed.type === 'ack') assert.ok(Number.isFinite(parsed.bytes) && parsed.bytes >= 0, JSON.stringify(parsed));
    }),
    { numRuns: 2000 },
  );
});

test('property: a command line written by formatArgv splits back into the same argv', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 8 }), (argv) => {
      const back = splitCommandLine(formatArgv(argv));
      assert.equal(back, { argv });
    }),
    { numRuns: 2000 },
  );
});

test('property: any typed line splits into argv or a sentence, never an exception', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), (line) => {
      const result = splitCommandLine(line);
      if ('error' in result) assert.type(result.error, 'string');
      else assert.ok(result.argv.length > 0);
    }),
    { numRuns: 2000 },
  );
});

test.run();

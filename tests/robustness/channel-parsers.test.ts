// Property tests of the sandbox's parsers of what a client sends: resize messages and the
// Kubernetes channel framing (v4/v5). Random, truncated and oversized input must never throw,
// and what comes out must be within bounds.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { MAX_TERMINAL_SIDE, MIN_TERMINAL_SIDE, parseResizeMessage } from '../../src/sandbox/transports/resize-message.ts';
import { WebSocketChannels } from '../../src/sandbox/transports/websocket-channels.ts';
import type { TerminalSize } from '../../src/domain/target.ts';

const test = suite('robustness: resize messages and channel frames');

const sizeJson = fc.record({
  key: fc.constantFrom('Width', 'width', 'WIDTH', 'wIdTh'),
  width: fc.oneof(fc.integer(), fc.double(), fc.constant(null), fc.string(), fc.constant(1e308)),
  height: fc.oneof(fc.integer(), fc.double(), fc.constant(null), fc.string()),
});

test('property: any text gives sizes within bounds, never an exception', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.array(sizeJson).map((xs) => xs.map((x) => JSON.stringify({ [x.key]: x.width, Height: x.height })).join('\n'))), (text) => {
      for (const size of parseResizeMessage(text)) {
        for (const side of [size.cols, size.rows]) {
          assert.ok(Number.isInteger(side) && side >= MIN_TERMINAL_SIDE && side <= MAX_TERMINAL_SIDE, JSON.stringify(size));
        }
      }
    }),
    { numRuns: 500 },
  );
});

test('the bad resizes of SECURITY.md: 0×0, negative, huge, not JSON', () => {
  assert.equal(parseResizeMessage('{"Width":0,"Height":0}'), [{ cols: 1, rows: 1 }]);
  assert.equal(parseResizeMessage('{"Width":-5,"Height":-9}'), [{ cols: 1, rows: 1 }]);
  assert.equal(parseResizeMessage('{"Width":100000,"Height":100000}'), [{ cols: 1000, rows: 1000 }]);
  assert.equal(parseResizeMessage('not json'), []);
  assert.equal(parseResizeMessage('{"width":"80","height":24}'), []);
});

/** Just enough of a ws WebSocket to feed frames in and see what the channels do. */
class FakeSocket extends EventEmitter {
  binaryType = 'nodebuffer';
  sent: Buffer[] = [];
  closed: number | undefined;
  send(frame: Buffer, _options: unknown, done?: () => void) {
    this.sent.push(frame);
    done?.();
  }
  close(code: number) {
    this.closed = code;
  }
  terminate() {}
  ping() {}
  pause() {}
}

test('property: random binary and text frames never throw; only stdin and resize come out', () => {
  fc.assert(
    fc.property(fc.constantFrom(4 as const, 5 as const), fc.array(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 32 }))), (version, frames) => {
      const ws = new FakeSocket();
      const channels = new WebSocketChannels(ws as unknown as WebSocket, version);
      const stdin: Uint8Array[] = [];
      const sizes: TerminalSize[] = [];
      let eof = 0;
      channels.onStdin((chunk) => stdin.push(chunk));
      channels.onResize((size) => sizes.push(size));
      channels.onStdinEnd(() => eof++);
      let expectedStdin = 0;
      for (const frame of frames) {
        if (typeof frame === 'string') ws.emit('message', Buffer.from(frame), false);
        else {
          ws.emit('message', Buffer.from(frame), true);
          if (frame[0] === 0 && frame.length > 1) expectedStdin++;
        }
      }
      channels.finish({ metadata: {}, status: 'Success' });
      assert.is(stdin.length, expectedStdin);
      assert.ok(sizes.every((s) => s.cols >= 1 && s.cols <= 1000 && s.rows >= 1 && s.rows <= 1000));
      if (version === 4) assert.is(eof, 0, 'v4 has no stdin close frame');
      assert.is(ws.closed, 1000);
    }),
    { numRuns: 300 },
  );
});

test.run();

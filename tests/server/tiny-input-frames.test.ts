// Input frames that carry little or nothing (helper-199's review): each frame costs the socket's
// input rate at least INPUT_FRAME_MIN_COST bytes (src/server/socket-input.ts), and the page's
// client pays the same, so its keys are paced rather than dropped; a frame that carries nothing
// goes nowhere: not to the stream, not into what is held while it connects, and it is no typing.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';
import { DataPlane } from '../../src/server/data-plane.ts';
import { hubOptions } from '../../src/server/hub-options.ts';
import { FrameKind, decodeFrame, encodeFrame } from '../../src/protocol/frames.ts';
import { INPUT_FRAME_MIN_COST } from '../../src/protocol/input-pacing.ts';
import { SocketClient } from '../../src/protocol/socket-client.ts';
import { TokenBucket } from '../../src/domain/token-bucket.ts';
import { recordingSocket } from './data-plane-stand-in.ts';
import { hello } from '../support/hello.ts';

const test = suite('input frames that carry little or nothing', { deadlineMs: 20_000 });
const frame = (payload: Uint8Array) => encodeFrame(FrameKind.Input, 't1', payload);
const errors = (got: ReturnType<typeof recordingSocket>['got']) => got.filter((m) => 'type' in m && m.type === 'error');

/** A running (or, `connecting`, still connecting) terminal t1 attached on a socket whose input rate never refills: `burst` bytes in all. */
async function attached(options: { burst?: number; connecting?: boolean } = {}) {
  const made = makeSystem({ script: options.connecting ? undefined : (s) => void s.open() });
  const plane = new DataPlane(made.system, hubOptions());
  const recorded = recordingSocket();
  const socket = { ...recorded.socket, inputBytes: new TokenBucket(1, options.burst ?? 1e9, () => 0) };
  made.system.exec(shellIn('web'), ['nginx']);
  await settle();
  plane.message(socket, { type: 'attach', sessionId: 't1', from: 0, ack: true });
  return { ...made, plane, socket, got: recorded.got, stream: made.adapter.last() };
}

test(`a one-byte frame costs the input rate ${INPUT_FRAME_MIN_COST} bytes: a burst of 10 frames' worth takes 10, the 11th is refused, said`, async () => {
  const { plane, socket, got, stream, system } = await attached({ burst: 10 * INPUT_FRAME_MIN_COST });
  for (let i = 0; i < 11; i++) plane.input(socket, frame(Uint8Array.of(0x61)));
  await waitFor(() => stream.written.length > 0, 'the keys written');
  await settle();
  assert.is(stream.written.reduce((n, chunk) => n + chunk.length, 0), 10);
  assert.equal(errors(got).map((m) => 'code' in m && m.code), ['rateLimited']);
  plane.close();
  await system.shutdown();
});

test('an empty frame costs the floor too, and is nothing: not written, no error, an idle terminal stays idle', async () => {
  const { plane, socket, got, stream, system, clock } = await attached({ burst: 1000 * INPUT_FRAME_MIN_COST });
  clock.advanceBy(61_000);
  assert.is(system.sessionList.byId.t1.state, 'idle');
  for (let i = 0; i < 1000; i++) plane.input(socket, frame(new Uint8Array(0)));
  await settle();
  assert.is(stream.written.length, 0, 'nothing went to the stream');
  assert.equal(errors(got), []);
  assert.is(system.sessionList.byId.t1.state, 'idle', 'no typing');
  plane.input(socket, frame(Uint8Array.of(0x61)));
  assert.equal(errors(got).map((m) => 'code' in m && m.code), ['rateLimited'], 'the thousand empty frames spent the burst');
  plane.close();
  await system.shutdown();
});

test('empty frames sent while a terminal connects are not held for it: its stream gets nothing from them', async () => {
  const { plane, socket, got, stream, system } = await attached({ connecting: true });
  assert.is(system.sessionList.byId.t1.state, 'connecting');
  for (let i = 0; i < 100_000; i++) plane.input(socket, frame(new Uint8Array(0)));
  stream.open();
  await settle();
  assert.is(stream.written.length, 0, 'nothing went to the stream');
  assert.equal(errors(got), []);
  plane.close();
  await system.shutdown();
});

test("the page's client pays the same floor: one-byte keys past its budget wait, none is sent to be refused", async () => {
  class Socket {
    static last: Socket;
    readyState = 1;
    bufferedAmount = 0;
    sent: (string | Uint8Array)[] = [];
    onopen: (() => void) | null = null;
    onmessage: ((event: { data: unknown }) => void) | null = null;
    onclose: (() => void) | null = null;
    constructor() {
      Socket.last = this;
    }
    send(data: string | Uint8Array) {
      this.sent.push(data);
    }
    close() {}
  }
  let now = 0;
  const client = new SocketClient({ url: 'ws://x/api/v1/stream', WebSocket: Socket as never, minDelayMs: 1, maxDelayMs: 4, heartbeatMs: 60_000, now: () => now });
  client.connect();
  const ws = Socket.last;
  ws.onopen?.();
  // a server taking 10 frames' floor a second: the page keeps to 9 a second, bursts of 20
  const json = (message: object) => ws.onmessage?.({ data: JSON.stringify(message) });
  json(hello({ limits: { ...hello().limits, inputBytesPerSecond: 10 * INPUT_FRAME_MIN_COST } }));
  client.attach('t1', { output: (_bytes, _channel, written) => written() });
  json({ type: 'attached', sessionId: 't1', from: 0, to: 0, dropped: 0, restored: false, running: true, session: {} });
  const keys = () => ws.sent.filter((m): m is Uint8Array => typeof m !== 'string').map((f) => decodeFrame(f)).filter((f) => typeof f !== 'string' && f.kind === FrameKind.Input);
  for (let i = 0; i < 30; i++) assert.ok(client.input('t1', 'x'));
  assert.is(keys().length, 20, 'a burst of 20 frames at the floor, not 30 one-byte ones');
  now += 1000;
  await waitFor(() => keys().length > 20, 'keys a second later');
  assert.is(keys().length, 29, "9 more: a second's budget at the floor");
  client.close();
});

test.run();

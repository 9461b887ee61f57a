// Keystrokes typed while an exec is still connecting (a debug container starting, a slow
// cluster) must not go to its adapter, which would keep them all until the stream opens (the
// debug adapter's waiting list, the SPDY adapter's pending stdin, client-node's stdin): a client
// typing or pasting at the input rate would grow the server's memory for as long as the connect
// takes. The data plane holds a bounded amount instead, and sends it when the stream opens.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { makeSystem, restartAndOpen, settle, shellIn } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';
import { DataPlane } from '../../src/server/data-plane.ts';
import { hubOptions } from '../../src/server/hub-options.ts';
import { FrameKind, encodeFrame } from '../../src/protocol/frames.ts';
import { TokenBucket } from '../../src/domain/token-bucket.ts';
import { recordingSocket } from '../server/data-plane-stand-in.ts';
import { ConnectingInput } from '../../src/server/connecting-input.ts';
import { MAX_HELD_INPUT } from '../../src/runtime/unanswered-input.ts';

const test = suite('input while an exec connects', { deadlineMs: 20_000 });
const bytesOf = (chunks: Uint8Array[]) => chunks.reduce((sum, chunk) => sum + chunk.length, 0);
const encode = (text: string) => new TextEncoder().encode(text);

test('a connecting stream is handed a bounded amount of input; its stream is said open only once it is', async () => {
  const { system, adapter } = makeSystem(); // no script: the stream stays connecting until the test opens it
  const openWhenSaid: boolean[] = [];
  system.io.listen({ streamOpened: () => void openWhenSaid.push(adapter.last().isOpen) });
  system.exec(shellIn('web'), ['nginx']);
  await settle();
  assert.is(system.sessionList.byId.t1.state, 'connecting');
  const stream = adapter.last();
  const paste = new Uint8Array(64 * 1024).fill(0x61);
  for (let i = 0; i < 128; i++) system.io.input('t1', paste); // 8 MiB while connecting
  assert.ok(bytesOf(stream.written) <= 1024 * 1024, `the adapter was handed ${bytesOf(stream.written)} bytes before its stream opened`);
  stream.open();
  await settle();
  assert.equal(openWhenSaid, [true], 'streamOpened (when held keystrokes are sent) comes once the stream is open');
  const before = bytesOf(stream.written);
  for (let i = 0; i < 32; i++) assert.ok(system.io.input('t1', paste), 'once open, input goes straight to the stream');
  // a write at a time, each after the one before was sent (stdin-queue.ts)
  await waitFor(() => bytesOf(stream.written) >= before + 32 * paste.length, 'all of it written');
  assert.is(bytesOf(stream.written), before + 32 * paste.length);
});

test('through the data plane: keys typed while connecting arrive in order once it opens, and a flood is not all kept', async () => {
  const { system, adapter } = makeSystem();
  const plane = new DataPlane(system, hubOptions());
  const recorded = recordingSocket();
  const { got } = recorded;
  const socket = { ...recorded.socket, inputBytes: new TokenBucket(1e9, 1e9) }; // the rate limit is not what is tested here
  system.exec(shellIn('web'), ['nginx']);
  await settle();
  plane.message(socket, { type: 'attach', sessionId: 't1', from: 0, ack: true });
  plane.input(socket, encodeFrame(FrameKind.Input, 't1', encode('ls\r')));
  const paste = new Uint8Array(64 * 1024).fill(0x61);
  for (let i = 0; i < 128; i++) plane.input(socket, encodeFrame(FrameKind.Input, 't1', paste));
  const stream = adapter.last();
  stream.open();
  await settle();
  assert.ok(bytesOf(stream.written) <= 1024 * 1024, `${bytesOf(stream.written)} bytes typed while connecting were kept`);
  assert.is(new TextDecoder().decode(stream.written[0]).slice(0, 3), 'ls\r', 'the first keys come first');
  assert.ok(got.some((m) => 'type' in m && m.type === 'error'), 'input past what is held is refused, said');
  plane.input(socket, encodeFrame(FrameKind.Input, 't1', encode('pwd\r')));
  assert.is(new TextDecoder().decode(stream.written.at(-1)), 'pwd\r', 'once open, keys go straight on');
  plane.close();
  await system.shutdown();
});

test('keys typed while a run connects and then fails do not go into the next run', async () => {
  const made = makeSystem();
  const { system, adapter } = made;
  const plane = new DataPlane(system, hubOptions());
  const { socket } = recordingSocket();
  system.exec(shellIn('web', ['nginx'], { command: { shell: 'bash' } }), ['nginx']);
  await settle();
  plane.message(socket, { type: 'attach', sessionId: 't1', from: 0, ack: true });
  plane.input(socket, encodeFrame(FrameKind.Input, 't1', encode('rm -rf ./build\r')));
  adapter.last().fail('connection', 'the cluster did not answer');
  await settle();
  assert.is(system.sessionList.byId.t1.state, 'failed');
  assert.equal((await restartAndOpen(made, 't1')).written, [], 'run 2 got none of what was typed for run 1');
  plane.close();
  await system.shutdown();
});

test('two typists a byte a frame in turn: what is held costs its bytes, not a buffer a run; each run is still whose it was, in order', () => {
  // helper-209: joined only while one typist went on, two sockets in turn held a 1 KiB buffer a byte (+85 MB for 64 KiB typed)
  const connecting = new ConnectingInput<string>();
  for (let i = 0; i < MAX_HELD_INPUT; i++) assert.ok(connecting.hold('t1', Uint8Array.of(i % 251), i % 2 ? 'bob' : 'alice'));
  assert.not.ok(connecting.hold('t1', Uint8Array.of(0), 'alice'), 'past the bound: refused');
  const held = connecting.take('t1');
  const buffers = new Set(held.map(({ bytes }) => bytes.buffer));
  const heldBytes = [...buffers].reduce((sum, buffer) => sum + buffer.byteLength, 0);
  assert.ok(heldBytes <= 2 * MAX_HELD_INPUT, `${MAX_HELD_INPUT} bytes typed in ${held.length} runs were held in ${buffers.size} buffers of ${heldBytes} bytes`);
  assert.is(held.length, MAX_HELD_INPUT, 'a run a frame');
  assert.ok(held.every(({ bytes, by }, i) => bytes.length === 1 && bytes[0] === i % 251 && by === (i % 2 ? 'bob' : 'alice')), 'in order, each whose it was');
  assert.equal(connecting.take('t1'), [], 'forgotten once taken');
});

test.run();

// The data plane's screen attach on its own, with a stand-in system whose output the test emits
// at exact moments: live output that comes while a viewer's screen is being built waits for it
// and follows it, byte for byte and in order; it counts against flow control meanwhile, and an ack
// cannot take it back (docs/api.md: acks for bytes never read cannot turn flow control off); a viewer
// that leaves, or a session closed, during the build gets nothing more; nor does an attach
// replaced by another (a client asking again and again). A build whose turn comes after the
// scrollback moved on says what it lost; a socket that throws while sent to loses only its viewer.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { DataPlane } from '../../src/server/data-plane.ts';
import { hubOptions } from '../../src/server/hub-options.ts';
import type { ServerMessage } from '../../src/protocol/index.ts';
import { FrameKind } from '../../src/protocol/frames.ts';
import { waitFor } from '../support/wait.ts';
import { recordingSocket, standIn, writtenOut } from './data-plane-stand-in.ts';

test('output that arrives while the screen is built follows the screen, in order, from its offset', async () => {
  const { system, output } = standIn();
  const plane = new DataPlane(system, hubOptions());
  const { socket, got } = recordingSocket();
  const before = '\x1b[?1049h\x1b[2Jtop screen';
  output(before);
  plane.message(socket, { type: 'attach', sessionId: 't1', from: 0, ack: true, screen: true });
  output('-live-1');
  output('-live-2');
  assert.equal(got, [], 'nothing goes out before the screen');
  assert.equal(plane.stats('t1')!.viewers, [14], 'the waiting bytes count as unacknowledged');
  await waitFor(() => got.length >= 4, 'the screen and the held output', 5_000);
  output('-live-3');
  const [attached, screen, ...live] = got;
  assert.equal(attached, { type: 'attached', sessionId: 't1', from: before.length, to: before.length, dropped: 0, screen: (screen as { text: string }).text.length, screenSize: { cols: 40, rows: 10 }, restored: true, running: true, session: system.sessionList.byId.t1 });
  assert.is((screen as { kind: FrameKind }).kind, FrameKind.Screen);
  assert.match((screen as { text: string }).text, /\x1b\[\?1049h.*top screen/);
  assert.equal(live, ['-live-1', '-live-2', '-live-3'].map((t) => ({ kind: FrameKind.Stdout, text: t })));
  assert.is(plane.stats('t1')!.heldForScreens, 14);
  plane.close();
});

test('held output counts against flow control: a flood while the screen is built pauses the producer until acknowledged', async () => {
  const { system, output, paused } = standIn();
  const plane = new DataPlane(system, hubOptions({ highWatermark: 1024, lowWatermark: 256 }));
  const { socket, got } = recordingSocket();
  output('prompt$ ');
  plane.message(socket, { type: 'attach', sessionId: 't1', from: 0, ack: true, screen: true });
  output('x'.repeat(2000));
  assert.equal(paused, [true]);
  await waitFor(() => got.length >= 3, 'the screen and the held output', 5_000);
  assert.equal((got[2] as { text: string }).text.length, 2000);
  assert.equal(paused, [true], 'sent is not yet drawn');
  const screenBytes = (got[0] as { screen: number }).screen;
  await writtenOut();
  plane.message(socket, { type: 'ack', sessionId: 't1', bytes: screenBytes + 2000 });
  assert.equal(paused, [true, false], 'drawn: the producer goes on');
  plane.close();
});

test('a viewer that leaves while its screen is built no longer holds the producer', () => {
  const { system, output, paused } = standIn();
  const plane = new DataPlane(system, hubOptions({ highWatermark: 1024, lowWatermark: 256 }));
  const { socket } = recordingSocket();
  output('prompt$ ');
  plane.message(socket, { type: 'attach', sessionId: 't1', from: 0, ack: true, screen: true });
  output('x'.repeat(2000));
  plane.disconnected(socket);
  assert.equal(paused, [true, false]);
  assert.equal(plane.stats('t1')!.viewers, []);
  plane.close();
});

test('a viewer that leaves, or a session closed, while its screen is built gets nothing more', async () => {
  const { system, output } = standIn();
  const plane = new DataPlane(system, hubOptions());
  const leaving = recordingSocket();
  const closing = recordingSocket();
  const staying = recordingSocket();
  output('some output');
  plane.message(leaving.socket, { type: 'attach', sessionId: 't1', from: 0, ack: true, screen: true });
  plane.message(staying.socket, { type: 'attach', sessionId: 't1', from: 0, ack: true, screen: true });
  output('-more');
  plane.disconnected(leaving.socket);
  await waitFor(() => staying.got.length >= 3, 'the staying viewer\'s screen', 5_000);
  assert.equal(leaving.got, []);
  plane.message(closing.socket, { type: 'attach', sessionId: 't1', from: 0, ack: true, screen: true });
  plane.closed('t1');
  await new Promise((resolve) => setTimeout(resolve, 50)); // the build's own turn: long enough to have finished, had it been sent
  assert.equal(closing.got, [{ type: 'detached', sessionId: 't1', reason: 'closed' }]);
  plane.close();
});

/** Two viewers on other sockets take both build slots; the third attach waits its turn. */
function thirdInLine(plane: DataPlane) {
  for (let i = 0; i < 2; i++) plane.message(recordingSocket().socket, { type: 'attach', sessionId: 't1', from: 0, ack: true, screen: true });
  const third = recordingSocket();
  plane.message(third.socket, { type: 'attach', sessionId: 't1', from: 0, ack: true, screen: true });
  return third;
}

test('a screen whose turn comes after the scrollback was trimmed says how much it lost', async () => {
  const { system, output } = standIn();
  const plane = new DataPlane(system, hubOptions({ scrollbackBytes: 1024 }));
  output('a'.repeat(1000));
  const { got } = thirdInLine(plane);
  output('b'.repeat(500)); // trims the first 476 bytes before the third build reads
  await waitFor(() => got.length >= 3, "the third viewer's screen and its held output", 5_000);
  const [attached, screen, live] = got as [ServerMessage & { type: 'attached' }, { kind: FrameKind; text: string }, { text: string }];
  assert.equal([attached.from, attached.to, attached.dropped, attached.screenSize], [1000, 1000, 476, { cols: 40, rows: 10 }]);
  assert.is(screen.kind, FrameKind.Screen);
  assert.match(screen.text, /^a+/);
  assert.is(screen.text.replace(/[^a]/g, '').length, 524, 'built from the bytes still held');
  assert.is(live.text, 'b'.repeat(500));
  plane.close();
});

test('a screen with nothing left to build from is a raw attach at its offset, the gap said', async () => {
  const { system, output } = standIn();
  const plane = new DataPlane(system, hubOptions({ scrollbackBytes: 1024 }));
  output('a'.repeat(1000));
  const { got } = thirdInLine(plane);
  output('b'.repeat(2000)); // the scrollback now starts past the attach's offset
  await waitFor(() => got.length >= 2, "the third viewer's attach and its held output", 5_000);
  const [attached, live] = got as [ServerMessage & { type: 'attached' }, { text: string }];
  assert.equal([attached.from, attached.to, attached.dropped, attached.screen], [1000, 1000, 1000, undefined], 'from is never past to');
  assert.is(live.text, 'b'.repeat(2000));
  plane.close();
});

test('a socket that throws while its screen is sent loses its viewer; the server and the others go on', async () => {
  const { system, output } = standIn();
  const plane = new DataPlane(system, hubOptions());
  const broken = recordingSocket();
  broken.socket.send = () => {
    throw new Error('socket gone');
  };
  output('some output');
  plane.message(broken.socket, { type: 'attach', sessionId: 't1', from: 0, ack: true, screen: true });
  await waitFor(() => plane.stats('t1')!.viewers.length === 0, 'the broken viewer to be removed', 5_000);
  const other = recordingSocket();
  plane.message(other.socket, { type: 'attach', sessionId: 't1', from: 0, ack: true, screen: true });
  await waitFor(() => other.got.length >= 2, 'the other viewer\'s screen', 5_000);
  plane.close();
});

test('a client that asks for the screen again and again gets one answer, for its last attach', async () => {
  const { system, output } = standIn();
  const plane = new DataPlane(system, hubOptions());
  const { socket, got } = recordingSocket();
  output('x'.repeat(100_000));
  for (let i = 0; i < 50; i++) plane.message(socket, { type: 'attach', sessionId: 't1', from: 0, ack: true, screen: true });
  output('-after');
  await waitFor(() => got.some((m) => 'kind' in m && m.kind === FrameKind.Stdout), 'the live output after the screen', 5_000);
  assert.is(got.filter((m) => 'type' in m && m.type === 'attached').length, 1);
  assert.equal(got.at(-1), { kind: FrameKind.Stdout, text: '-after' });
  plane.close();
});

test('an ack while the screen is built does not resume a producer its held output paused (it was sent nothing: a lie)', async () => {
  const { system, output, paused } = standIn();
  const plane = new DataPlane(system, hubOptions({ highWatermark: 1024, lowWatermark: 256 }));
  const { socket, got } = recordingSocket();
  output('prompt$ ');
  plane.message(socket, { type: 'attach', sessionId: 't1', from: 0, ack: true, screen: true });
  output('x'.repeat(2000));
  assert.equal(paused, [true], 'the held output paused the producer');
  plane.message(socket, { type: 'ack', sessionId: 't1', bytes: 1e15 });
  assert.equal(paused, [true], 'still paused: nothing it was sent was acknowledged');
  assert.equal(plane.stats('t1')!.viewers, [2000], 'the held bytes still count');
  await waitFor(() => got.length >= 3, 'the screen and the held output', 5_000);
  assert.equal((got[2] as { text: string }).text.length, 2000, 'the held output follows the screen');
  plane.close();
});

test.run();

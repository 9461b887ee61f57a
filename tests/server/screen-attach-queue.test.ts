// The data plane's screen attach on its own, with a stand-in system whose output the test emits
// at exact moments: live output that comes while a viewer's screen is being built waits for it
// and follows it, byte for byte and in order; it counts against flow control meanwhile; a viewer
// that leaves, or a session closed, during the build gets nothing more; nor does an attach
// replaced by another (a client asking again and again).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { DataPlane } from '../../src/server/data-plane.ts';
import { hubOptions } from '../../src/server/hub-options.ts';
import { LOCAL_CALLER } from '../../src/server/caller.ts';
import type { HubSocket } from '../../src/server/hub-sockets.ts';
import type { ExecSystem } from '../../src/runtime/exec-system.ts';
import type { TerminalIoEvents } from '../../src/runtime/terminal-io.ts';
import type { ServerMessage, SessionRow } from '../../src/protocol/index.ts';
import { FrameKind, decodeFrame } from '../../src/protocol/frames.ts';
import { TokenBucket } from '../../src/domain/token-bucket.ts';
import { waitFor } from '../support/wait.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

/** A system with one interactive session `t1`, and the output events it would send. */
function standIn() {
  const io: Partial<TerminalIoEvents>[] = [];
  const paused: boolean[] = [];
  const row = { sessionId: 't1', interactive: true, state: 'interactive', size: { cols: 40, rows: 10 } } as SessionRow;
  const system = {
    io: { listen: (l: Partial<TerminalIoEvents>) => (io.push(l), () => {}), isRunning: () => true, pause: () => paused.push(true), resume: () => paused.push(false) },
    sessionList: { byId: { t1: row } as Record<string, SessionRow> },
    holds: () => true,
  } as unknown as ExecSystem;
  const output = (chunk: string) => io.forEach((l) => l.output?.('t1', 'stdout', bytes(chunk)));
  return { system, output, paused, row };
}

/** A socket that keeps what it was sent, in order: messages as JSON, frames as {kind, text}. */
function recordingSocket() {
  const got: (ServerMessage | { kind: FrameKind; text: string })[] = [];
  const socket: HubSocket = {
    send: (m) => void got.push(m),
    sendFrame: (frame) => {
      const f = decodeFrame(frame);
      if (typeof f === 'string') throw new Error(f);
      got.push({ kind: f.kind, text: text(f.payload) });
      return true;
    },
    error: (code, message) => void got.push({ type: 'error', code, message }),
    inputBytes: new TokenBucket(1e6, 1e6),
    caller: LOCAL_CALLER,
  };
  return { socket, got };
}

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
  assert.equal(attached, { type: 'attached', sessionId: 't1', from: before.length, to: before.length, dropped: 0, screen: (screen as { text: string }).text.length, restored: true, running: true, session: system.sessionList.byId.t1 });
  assert.is((screen as { kind: FrameKind }).kind, FrameKind.Screen);
  assert.match((screen as { text: string }).text, /\x1b\[\?1049h.*top screen/);
  assert.equal(live, ['-live-1', '-live-2', '-live-3'].map((t) => ({ kind: FrameKind.Stdout, text: t })));
  assert.is(plane.stats('t1')!.heldForScreens, 14);
  plane.close();
});

test('held output counts against flow control: a flood while the screen is built pauses the producer', async () => {
  const { system, output, paused } = standIn();
  const plane = new DataPlane(system, hubOptions({ highWatermark: 1024, lowWatermark: 256 }));
  const { socket, got } = recordingSocket();
  output('prompt$ ');
  plane.message(socket, { type: 'attach', sessionId: 't1', from: 0, ack: true, screen: true });
  output('x'.repeat(2000));
  assert.equal(paused, [true]);
  await waitFor(() => got.length >= 3, 'the screen and the held output', 5_000);
  assert.equal((got[2] as { text: string }).text.length, 2000);
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

test.run();

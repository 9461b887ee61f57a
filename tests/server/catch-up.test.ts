// A viewer caught up with the screen when it lags (attach with `catchUp: "screen"`, docs/api.md
// "Catching up with the screen"), on the data plane alone with a stand-in system whose output the
// test emits at exact moments: it never pauses the producer; past the high watermark it gets no
// live frames; once it has drawn down to the low watermark it gets what it missed, a stretch at a
// time, while the scrollback still holds it; once it does not (a flood), or someone typed since it
// fell behind (Ctrl-C), the screen as it is, with what it skipped said, then what came since if it
// all fits at once (else the next screen), then live output again. A
// viewer that does not opt in beside it still pauses the producer as before, and so does one that
// asks for it without acks or on a session without a TTY.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { DataPlane } from '../../src/server/data-plane.ts';
import { hubOptions } from '../../src/server/hub-options.ts';
import type { ServerMessage } from '../../src/protocol/index.ts';
import { FrameKind, encodeFrame } from '../../src/protocol/frames.ts';
import { waitFor } from '../support/wait.ts';
import { recordingSocket, standIn, writtenOut } from './data-plane-stand-in.ts';

type Got = ReturnType<typeof recordingSocket>['got'];
type Attached = Extract<ServerMessage, { type: 'attached' }>;

const watermarks = { highWatermark: 1024, lowWatermark: 256 };
const catchUpAttach = { type: 'attach', sessionId: 't1', from: 0, ack: true, catchUp: 'screen' } as const;
const ack = (bytes: number) => ({ type: 'ack', sessionId: 't1', bytes }) as const;
const frames = (got: Got, kind: FrameKind) => got.filter((m): m is { kind: FrameKind; text: string } => 'kind' in m && m.kind === kind);
const attacheds = (got: Got) => got.filter((m): m is Attached => 'type' in m && m.type === 'attached');

test('a catch-up viewer that stops acking under a flood never pauses the producer, gets nothing while behind, then its screen with what it skipped, then live output', async () => {
  const { system, output, paused } = standIn();
  const plane = new DataPlane(system, hubOptions({ ...watermarks, scrollbackBytes: 4096 }));
  const { socket, got } = recordingSocket();
  output('prompt$ ');
  plane.message(socket, catchUpAttach);
  assert.equal(frames(got, FrameKind.Stdout).map((f) => f.text), ['prompt$ '], 'a small replay goes as it came');
  output('x'.repeat(600));
  output('x'.repeat(600)); // 1208 unacknowledged: past the high watermark, so behind
  output('y'.repeat(5000));
  assert.equal(paused, [], 'the producer was never paused');
  assert.is(frames(got, FrameKind.Stdout).length, 3, 'no live frame once behind');
  assert.equal(plane.stats('t1')!.viewers, [1208]);

  await writtenOut();
  plane.message(socket, ack(1000)); // 208 left: under the low watermark, and what it missed has left the 4096-byte scrollback
  output('z'.repeat(100)); // while the screen is built: not held for it
  await waitFor(() => frames(got, FrameKind.Screen).length > 0, 'the catch-up screen', 5_000);
  const [first, caughtUp] = attacheds(got);
  const screen = frames(got, FrameKind.Screen).map((f) => f.text).join('');
  assert.is(first.screen, undefined);
  assert.equal([caughtUp.from, caughtUp.to, caughtUp.dropped, caughtUp.skipped, caughtUp.screen, caughtUp.screenSize], [6208, 6208, 904, 4096, screen.length, { cols: 40, rows: 10 }]);
  assert.match(screen, /y{40}/);
  assert.not.match(screen, /z/, 'the screen is as of its offset');
  assert.is(frames(got, FrameKind.Stdout).length, 3, 'what came during the build waits: the screen is more than the high watermark');
  assert.equal(plane.stats('t1')!.viewers, [208 + screen.length]);

  assert.is(plane.stats('t1')!.catchUps, 1);
  await writtenOut();
  plane.message(socket, ack(208 + screen.length)); // drawn: what came since the screen fits, and goes as it came
  output('-live');
  assert.equal(frames(got, FrameKind.Stdout).slice(3).map((f) => f.text), ['z'.repeat(100), '-live']);
  assert.equal(paused, []);
  plane.close();
});

test('a viewer that does not opt in, beside a catch-up viewer, still pauses the producer until it has drawn', async () => {
  const { system, output, paused } = standIn();
  const plane = new DataPlane(system, hubOptions(watermarks));
  const page = recordingSocket();
  const cli = recordingSocket();
  plane.message(page.socket, catchUpAttach);
  plane.message(cli.socket, { type: 'attach', sessionId: 't1', from: 0, ack: true });
  output('x'.repeat(2000));
  output('y'.repeat(2000));
  assert.equal(paused, [true]);
  assert.equal(frames(cli.got, FrameKind.Stdout).map((f) => f.text.length), [2000, 2000], 'the command line gets every byte');
  assert.equal(frames(page.got, FrameKind.Stdout).map((f) => f.text.length), [2000], 'the page is behind after the first');
  await writtenOut();
  plane.message(cli.socket, ack(4000));
  assert.equal(paused, [true, false], 'the page, still behind, does not hold the producer');
  plane.close();
});

test('catching up is only for a TTY and a viewer that acks: otherwise the producer is paused as before', () => {
  for (const [interactive, acks] of [
    [true, false],
    [false, true],
  ]) {
    const { system, output, paused, row } = standIn();
    row.interactive = interactive;
    const plane = new DataPlane(system, hubOptions(watermarks));
    const { socket, got } = recordingSocket();
    plane.message(socket, { ...catchUpAttach, ack: acks });
    output('x'.repeat(2000));
    output('y'.repeat(2000));
    assert.equal(paused, [true], `interactive ${interactive}, acks ${acks}`);
    assert.is(frames(got, FrameKind.Stdout).length, 2, 'every byte is sent');
    plane.close();
  }
});

test('a catch-up viewer that reattaches past what the scrollback holds (a drop under a flood) gets the screen, with how far it jumps; one whose bytes are held gets them', async () => {
  const { system, output } = standIn();
  const plane = new DataPlane(system, hubOptions({ ...watermarks, scrollbackBytes: 4096 }));
  output('x'.repeat(5000));
  const far = recordingSocket();
  plane.message(far.socket, { ...catchUpAttach, from: 500 });
  await waitFor(() => frames(far.got, FrameKind.Screen).length > 0, 'the screen', 5_000);
  const [attached] = attacheds(far.got);
  assert.equal([attached.from, attached.to, attached.dropped, attached.skipped], [5000, 5000, 404, 4096], "what left the scrollback is dropped, what the screen stands for skipped");
  assert.is(frames(far.got, FrameKind.Stdout).length, 0);
  const held = recordingSocket();
  plane.message(held.socket, { ...catchUpAttach, from: 2000 });
  assert.equal(attacheds(held.got).map((a) => [a.from, a.to, a.skipped]), [[2000, 5000, undefined]]);
  assert.equal(frames(held.got, FrameKind.Stdout).map((f) => f.text.length), [3000]);
  plane.close();
});

test('a burst the scrollback still holds reaches a lagging viewer whole, a stretch at a time, never as a screen', async () => {
  const { system, output, paused } = standIn();
  const plane = new DataPlane(system, hubOptions(watermarks));
  const { socket, got } = recordingSocket();
  plane.message(socket, catchUpAttach);
  output('x'.repeat(1500)); // sent: past the high watermark, so behind
  output('y'.repeat(3000)); // missed
  let acked = 1500;
  await writtenOut();
  plane.message(socket, ack(1500));
  for (let i = 0; i < 10 && plane.stats('t1')!.viewers[0] > 0; i++) {
    const unacked = plane.stats('t1')!.viewers[0];
    acked += unacked;
    await writtenOut();
    plane.message(socket, ack(unacked));
  }
  output('-live');
  const text = frames(got, FrameKind.Stdout).map((f) => f.text).join('');
  assert.is(text, 'x'.repeat(1500) + 'y'.repeat(3000) + '-live', 'every byte, in order, then live output');
  assert.ok(frames(got, FrameKind.Stdout).every((f) => f.text.length <= watermarks.highWatermark || f.text.startsWith('x')), 'what it missed came in stretches under the high watermark');
  assert.is(frames(got, FrameKind.Screen).length, 0);
  assert.is(acked, 4500);
  assert.equal(paused, []);
  plane.close();
});

test('typing while behind (Ctrl-C under a flood) skips a viewer to the screen, though the scrollback still holds what it missed', async () => {
  const { system, output } = standIn();
  const plane = new DataPlane(system, hubOptions(watermarks));
  const { socket, got } = recordingSocket();
  plane.message(socket, catchUpAttach);
  output('x'.repeat(1500));
  output('y'.repeat(3000));
  await new Promise((resolve) => setTimeout(resolve, 5)); // typed after it fell behind (the clock counts ms)
  plane.input(socket, encodeFrame(FrameKind.Input, 't1', new Uint8Array([3])));
  output('^C\r\n$ ');
  await writtenOut();
  plane.message(socket, ack(1500));
  await waitFor(() => frames(got, FrameKind.Screen).length > 0, 'the screen', 5_000);
  const caughtUp = attacheds(got).at(-1)!;
  assert.equal([caughtUp.from, caughtUp.skipped], [4506, 3006]);
  // the prompt last, then where the cursor is (after it)
  assert.match(frames(got, FrameKind.Screen).map((f) => f.text).join(''), /\$ ?(\x1b\[\d+;\d+H)?$/, 'the prompt on it');
  plane.close();
});

test('a catch-up viewer that leaves while its catch-up screen is built gets nothing more', async () => {
  const { system, output, paused } = standIn();
  const plane = new DataPlane(system, hubOptions(watermarks));
  const { socket, got } = recordingSocket();
  plane.message(socket, catchUpAttach);
  output('x'.repeat(5000));
  await writtenOut();
  plane.message(socket, ack(5000)); // its screen is being built
  plane.message(socket, { type: 'detach', sessionId: 't1' });
  const answered = got.length;
  output('y'.repeat(5000));
  await new Promise((resolve) => setTimeout(resolve, 100)); // long enough for the build to have finished, had it been sent
  assert.is(got.length, answered);
  assert.equal(got.at(-1), { type: 'detached', sessionId: 't1', reason: 'request' });
  assert.equal(paused, []);
  assert.equal(plane.stats('t1')!.viewers, []);
  plane.close();
});

test.run();

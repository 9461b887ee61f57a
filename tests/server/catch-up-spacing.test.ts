// When a lagging viewer's next catch-up screen is built (src/server/catch-up.ts): under a flood no
// sooner than three times its last build took, so one viewer keeps at most a quarter of a core
// building screens; but at once when the output has gone quiet (Ctrl-C ended the flood: the
// screen with the prompt is wanted now); and after a key typed while behind, once the output is
// quiet or 250 ms after the key, whichever is first. After a screen, what came since goes as it
// came only if it draws no more lines than a screen, else the next screen. On a clock the test sets; no time is asserted.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { CatchUps } from '../../src/server/catch-up.ts';
import { Scrollback } from '../../src/server/scrollback.ts';
import type { SessionStream, Viewer } from '../../src/server/stream-viewers.ts';

const watermarks = { highWatermark: 1024, lowWatermark: 256 };

/** A viewer behind by more than the high watermark, its last screen built in 100 ms at t = 1000. */
function behind(now: { t: number }) {
  const screens: number[] = [];
  const replays: number[] = [];
  const catchUps = new CatchUps(watermarks, { replay: (_v, stretch) => void replays.push(stretch.bytes.length), screen: (_v, _s, from) => void screens.push(from), shown: () => true }, () => now.t);
  const scrollback = new Scrollback(1024); // what it missed has left it: a flood
  scrollback.append(new Uint8Array(4000).fill(121), 'stdout');
  const stream = { scrollback, viewers: new Set(), paused: false, heldForScreens: 0, catchUps: 0, lastOutputAt: now.t, lastInputAt: -Infinity } as SessionStream;
  const viewer = { sessionId: 't1', unacked: 0, unwritten: 0, acks: true, readOnly: false } as unknown as Viewer;
  viewer.catchUp = catchUps.start(0);
  now.t = 1000;
  stream.lastOutputAt = 1000; // the flood goes on
  catchUps.screenSent(viewer, viewer.catchUp, stream, 100, 900); // built from 900 to 1000: the next no sooner than 1300
  return { catchUps, stream, viewer, screens, replays };
}

/** Forgets the timer that would look at the viewer again: the test looks itself, at the times it sets. */
function settle(viewer: Viewer): void {
  clearTimeout(viewer.catchUp!.wait);
  viewer.catchUp!.wait = undefined;
}

test('under a flood, the next screen waits for three times the last build', () => {
  const now = { t: 0 };
  const { catchUps, stream, viewer, screens, replays } = behind(now);
  assert.equal(screens, [], 'not at once: the output is still coming');
  assert.equal(replays, [], 'what it missed has left the scrollback');
  assert.ok(viewer.catchUp!.wait, 'it is looked at again later');
  settle(viewer);
  now.t = 1200;
  stream.lastOutputAt = 1195;
  catchUps.acked(viewer, stream);
  assert.equal(screens, [], 'still before it is due, and the output still coming');
  settle(viewer);
  now.t = 1300;
  stream.lastOutputAt = 1299;
  catchUps.acked(viewer, stream);
  assert.equal(screens, [100], 'due: the screen, from where the viewer had got to');
});

test('once the output is quiet, the next screen is built at once, due or not', () => {
  const now = { t: 0 };
  const { catchUps, stream, viewer, screens } = behind(now);
  settle(viewer);
  stream.lastOutputAt = 1010; // the flood ended (Ctrl-C), the prompt came at 1010
  now.t = 1040;
  catchUps.acked(viewer, stream);
  assert.equal(screens, [100], 'the screen with the prompt, 260 ms before it would have been due');
});

test('after a key typed while behind, the screen waits for the output to go quiet, not for the spacing', () => {
  const now = { t: 0 };
  const { catchUps, stream, viewer, screens } = behind(now);
  settle(viewer);
  now.t = 1400; // past the spacing
  stream.lastInputAt = 1390; // Ctrl-C
  stream.lastOutputAt = 1399; // the flood's tail still coming out
  catchUps.acked(viewer, stream);
  assert.equal(screens, [], 'not from the flood\'s tail');
  settle(viewer);
  now.t = 1430;
  catchUps.acked(viewer, stream);
  assert.equal(screens, [100], 'quiet for 31 ms: the screen, with the prompt');
});

test('after a key typed while behind, a flood that goes on gets its screen 250 ms after the key', () => {
  const now = { t: 0 };
  const { catchUps, stream, viewer, screens } = behind(now);
  settle(viewer);
  stream.lastInputAt = 1390;
  now.t = 1639;
  stream.lastOutputAt = 1638;
  catchUps.acked(viewer, stream);
  assert.equal(screens, []);
  settle(viewer);
  now.t = 1640;
  stream.lastOutputAt = 1639;
  catchUps.acked(viewer, stream);
  assert.equal(screens, [100]);
});

test('keys that keep coming do not put the screen off: it is due 250 ms after the first', () => {
  const now = { t: 0 };
  const { catchUps, stream, viewer, screens } = behind(now);
  settle(viewer);
  let t = 1400;
  for (; t < 2400 && screens.length === 0; t += 33) {
    now.t = t;
    stream.lastInputAt = t; // a key every 33 ms (Enter held down)
    stream.lastOutputAt = t; // and the output never quiet
    catchUps.acked(viewer, stream);
    settle(viewer);
  }
  assert.equal(screens, [100]);
  assert.is(now.t, 1664, 'at the first look 250 ms after the first key');
});

test('after a screen, what came since goes as it came only if it draws no more lines than a screen; if more, it is skipped to the next screen once quiet', () => {
  const now = { t: 1000 };
  const screens: number[] = [];
  const replays: number[] = [];
  const catchUps = new CatchUps(watermarks, { replay: (_v, stretch) => void replays.push(stretch.bytes.length), screen: (_v, _s, from) => void screens.push(from), shown: () => true }, () => now.t);
  const scrollback = new Scrollback(64 * 1024); // holds all of it: only the lines decide
  const lines = (count: number) => new TextEncoder().encode('y\r\n'.repeat(count));
  scrollback.append(lines(100));
  const stream = { scrollback, viewers: new Set(), paused: false, heldForScreens: 0, catchUps: 0, lastOutputAt: 960, lastInputAt: -Infinity } as SessionStream;
  const viewer = { sessionId: 't1', unacked: 0, unwritten: 0, acks: true, readOnly: false } as unknown as Viewer;
  viewer.catchUp = catchUps.start(0);
  stream.lastInputAt = 1005; // Ctrl-C while behind
  now.t = 1010;
  catchUps.acked(viewer, stream);
  assert.equal(screens, [0], 'quiet since the key: its screen');
  // built from 1010 to 1020; the flood's tail, still on its way, came meanwhile: 1200 lines
  scrollback.append(lines(1200));
  stream.lastOutputAt = 1015;
  now.t = 1020;
  catchUps.screenSent(viewer, viewer.catchUp, stream, 300, 1010);
  assert.equal(replays, [], 'not line by line');
  settle(viewer);
  now.t = 1050;
  catchUps.acked(viewer, stream);
  assert.equal(screens, [0, 300], 'quiet again: the next screen, from where the first ended');
  // built from 1050 to 1060; the prompt came meanwhile: two lines go as they came, and it is live
  scrollback.append(new TextEncoder().encode('^C\r\nP> '));
  now.t = 1060;
  catchUps.screenSent(viewer, viewer.catchUp, stream, 3900, 1050);
  assert.equal(replays, [7]);
  assert.is(viewer.catchUp.state, 'live');
  assert.equal(screens, [0, 300]);
});

test('a key typed, and nothing came since the last screen: live again at once the output is quiet, without a screen more', () => {
  const now = { t: 0 };
  const { catchUps, stream, viewer, screens } = behind(now);
  settle(viewer);
  viewer.catchUp!.sentTo = stream.scrollback.end; // its last screen is the screen as it is
  now.t = 1400;
  stream.lastInputAt = 1390;
  stream.lastOutputAt = 1360;
  catchUps.acked(viewer, stream);
  assert.equal(screens, []);
  assert.is(viewer.catchUp!.state, 'live');
});

test.run();

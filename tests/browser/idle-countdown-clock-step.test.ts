// The idle countdown's estimate of the server's clock (ui/state/idle-countdown.ts) kept the
// largest offset ever seen, for the page's life. Once the page's clock stepped forward (NTP
// setting a slow laptop right, often at a wake from sleep, when the socket reconnects anyway) or
// the server's stepped back, the estimate stayed minutes ahead of the server: every idle
// terminal said "ends in 0 s unless you type" as it went idle, minutes early, until a reload.
// A hello carries the server's own now: from it the estimate starts over.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { clockOffsetAfter, idleSecondsLeft } from '../../ui/state/idle-countdown.ts';
import { hello } from '../support/hello.ts';
import { sessionRow } from '../support/session-row.ts';

const test = suite('idle countdown clock step', { deadlineMs: 10_000 });

test("a reconnect's hello starts the estimate over: a clock that stepped since is followed", () => {
  // before: the page's clock 2 min slow, so the server looked 2 min ahead
  const before = clockOffsetAfter(undefined, hello({ now: 1_120_000 }), 1_000_000);
  assert.is(before, 120_000);
  // the page's clock is set right; the socket reconnects: the server's now and the page's agree
  const after = clockOffsetAfter(before, hello({ now: 2_000_000 }), 2_000_010);
  assert.is(after, -10, 'the hello says the server is no longer ahead');
  // an idle terminal, active 250 s ago on the server's clock: 50 s left, not 0
  const idle = sessionRow({ state: 'idle', lastActivityAt: 2_000_000 - 250_000, idleTimeoutMs: 300_000 });
  assert.is(idleSecondsLeft(idle, 2_000_010, after), 50);
});

test('between hellos, and from a hello without a clock, the largest bound still wins', () => {
  const offset = clockOffsetAfter(undefined, hello({ now: 1_005_000 }), 1_000_000);
  assert.is(clockOffsetAfter(offset, { type: 'session', session: sessionRow({ lastActivityAt: 1_010_000 }) }, 1_003_000), 7_000, 'a fresher row raises it');
  assert.is(clockOffsetAfter(offset, { type: 'session', session: sessionRow({ lastActivityAt: 900_000 }) }, 1_003_000), 5_000, 'an older one does not lower it');
  assert.is(clockOffsetAfter(offset, hello({ now: undefined, sessions: [sessionRow({ lastActivityAt: 900_000 })] }), 1_003_000), 5_000, 'a hello without its now says nothing new');
});

test.run();

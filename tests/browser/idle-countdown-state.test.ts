// The idle countdown and the Exec dialog's idle timeout field without a browser: the server clock
// estimated from the rows' times, the seconds left of an idle terminal, and the field's range.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { clockOffsetAfter, idleSecondsLeft } from '../../ui/state/idle-countdown.ts';
import { idleFieldDefault, idleTimeoutSeconds } from '../../ui/state/idle-timeout-field.ts';
import { hello } from '../support/hello.ts';
import { sessionRow } from '../support/session-row.ts';

test('the server clock offset: the newest row time seen, against when the page received it', () => {
  // the server runs 5 s ahead of the page: a row made at server 105_000 arrives at page 100_010
  const first = clockOffsetAfter(undefined, hello({ sessions: [sessionRow({ startedAt: 90_000, lastActivityAt: 105_000 })] }), 100_010);
  assert.is(first, 4_990);
  // an older row says less and does not lower the estimate; a fresher one raises it
  assert.is(clockOffsetAfter(first, { type: 'session', session: sessionRow({ lastActivityAt: 50_000 }) }, 100_500), 4_990);
  assert.is(clockOffsetAfter(first, { type: 'session', session: sessionRow({ lastActivityAt: 106_000, endedAt: 106_000 }) }, 101_000), 5_000);
  // messages without rows change nothing; a row with broken times is ignored
  assert.is(clockOffsetAfter(first, { type: 'pong' }, 200_000), 4_990);
  assert.is(clockOffsetAfter(first, { type: 'session', session: sessionRow({ lastActivityAt: Number.NaN }) }, 1), 4_990);
});

test("after a reload, the hello's clock: an idle row's last activity is minutes old and would put the end late", () => {
  // the server runs 5 s ahead; its idle terminal was last active 4 minutes before the hello
  const idle = sessionRow({ state: 'idle', startedAt: 60_000, lastActivityAt: 65_000, idleTimeoutMs: 300_000 });
  const offset = clockOffsetAfter(undefined, hello({ now: 305_000, sessions: [idle] }), 300_010);
  assert.is(offset, 4_990);
  assert.is(idleSecondsLeft(idle, 300_010, offset), 60, 'a minute left, counting now');
  assert.is(clockOffsetAfter(undefined, hello({ now: Number.NaN, sessions: [idle] }), 300_010), -235_010, 'a broken clock is ignored: the rows bound it');
});

test('seconds left: only an idle terminal in its last minute counts down, on the server clock', () => {
  const idle = sessionRow({ state: 'idle', lastActivityAt: 1_000_000, idleTimeoutMs: 300_000 });
  // server time = page time + offset: 1_250_000 server is 40 s before the end
  assert.is(idleSecondsLeft(idle, 1_245_000, 5_000), 50);
  assert.is(idleSecondsLeft(idle, 1_259_500, 500), 40);
  assert.is(idleSecondsLeft(idle, 1_239_000, 0), undefined, 'more than a minute left: no countdown');
  assert.is(idleSecondsLeft(idle, 1_240_000, 0), 60);
  assert.is(idleSecondsLeft(idle, 1_299_001, 0), 1, 'a part of a second left still says 1');
  assert.is(idleSecondsLeft(idle, 1_400_000, 0), 0, 'past the end (the timedOut row is on its way): 0, never negative');
  assert.is(idleSecondsLeft({ ...idle, state: 'interactive' }, 1_290_000, 0), undefined, 'activity ends the countdown');
  assert.is(idleSecondsLeft({ ...idle, state: 'timedOut' }, 1_290_000, 0), undefined);
});

test('the idle timeout field: the server default first, seconds or minutes, out of range refused with the range', () => {
  assert.equal(idleFieldDefault(300), { text: '5', unit: 'min' });
  assert.equal(idleFieldDefault(90), { text: '90', unit: 's' });
  assert.equal(idleTimeoutSeconds('90', 's'), { seconds: 90 });
  assert.equal(idleTimeoutSeconds('2', 'min'), { seconds: 120 });
  assert.equal(idleTimeoutSeconds('1440', 'min'), { seconds: 86_400 });
  assert.equal(idleTimeoutSeconds('86400', 's'), { seconds: 86_400 });
  const range = 'The idle timeout must be a whole number from 1 to 86400 seconds (1 to 1440 minutes).';
  for (const [text, unit] of [['0', 's'], ['86401', 's'], ['1441', 'min'], ['1.5', 'min'], ['-3', 's'], ['', 's'], ['ten', 's']] as const) assert.equal(idleTimeoutSeconds(text, unit), { problem: range }, `${text} ${unit}`);
});

test.run();

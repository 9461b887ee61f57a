import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { RealTimeClock, VirtualClock } from '../../src/runtime/clock.ts';

const test = suite('clock');

test('a virtual clock fires timers in due order, each at its due time, including timers armed by timers', () => {
  const clock = new VirtualClock(0);
  const fired: [string, number][] = [];
  clock.setTimeout(() => {
    fired.push(['a', clock.now()]);
    clock.setTimeout(() => fired.push(['a+50', clock.now()]), 50);
  }, 100);
  clock.setTimeout(() => fired.push(['b', clock.now()]), 120);
  const cancelled = clock.setTimeout(() => fired.push(['cancelled', clock.now()]), 10);
  clock.clearTimeout(cancelled);
  clock.advanceTo(1000);
  assert.equal(fired, [['a', 100], ['b', 120], ['a+50', 150]]);
  assert.is(clock.now(), 1000);
});

test('a timer further away than a real timer can wait waits in the longest steps, then fires', () => {
  let wall = 0;
  const armed: { fn: () => void; ms: number }[] = [];
  const clock = new RealTimeClock(() => wall, 0, { setTimeout: (fn, ms) => armed.push({ fn, ms }), clearTimeout: () => {} }, () => wall);
  const fired: number[] = [];
  clock.setTimeout(() => fired.push(clock.now()), 60 * 86_400_000); // a far deadline: 60 days
  assert.equal(armed.map((a) => a.ms), [2 ** 31 - 1], 'never more than a real timer takes');
  for (let step = 0; fired.length === 0 && step < 10; step++) {
    wall += armed.at(-1)!.ms;
    armed.at(-1)!.fn();
  }
  assert.equal(fired, [60 * 86_400_000]);
  assert.is(armed.length, 3, 'two longest waits, then the rest');
});

// A log written while this machine's clock was a year ahead (a snapshot's time too), the clock put
// right since: the log's times never go back, and its timers still fire after their delays.
test('a wall clock behind virtual time: virtual time goes on at the real pace, timers fire after their delay, never back', () => {
  const YEAR = 365 * 86_400_000;
  let wall = 1_000_000;
  let monotonic = 5;
  const armed: { fn: () => void; ms: number }[] = [];
  const clock = new RealTimeClock(() => wall, wall + YEAR, { setTimeout: (fn, ms) => armed.push({ fn, ms }), clearTimeout: () => {} }, () => monotonic);
  const fired: number[] = [];
  clock.setTimeout(() => fired.push(clock.now()), 300_000); // an idle timeout
  assert.equal(armed.map((a) => a.ms), [300_000], 'armed for its delay, not for when the wall clock catches up');
  assert.is(clock.behindBy(), YEAR);
  wall += 200_000;
  monotonic += 200_000;
  clock.sync();
  assert.is(clock.now(), 1_000_000 + YEAR + 200_000, 'on at the real pace');
  assert.equal(fired, []);
  wall += 100_000;
  monotonic += 100_000;
  armed.at(-1)!.fn();
  assert.equal(fired, [1_000_000 + YEAR + 300_000]);
  wall -= 50_000; // put back again: still never back
  monotonic += 1_000;
  clock.sync();
  assert.is(clock.now(), 1_000_000 + YEAR + 301_000);
  monotonic += 10_000; // a replay's steps (advanceTo), taking 10 s: not time gone by on top of the log's
  clock.advanceTo(1_000_000 + YEAR + 302_000);
  clock.sync();
  assert.is(clock.now(), 1_000_000 + YEAR + 302_000);
  wall = 2 * YEAR; // the wall clock ahead again: followed
  clock.sync();
  assert.is(clock.now(), 2 * YEAR);
  assert.is(clock.behindBy(), 0);
});

test('a real-time clock fires late timers at their due time before the next input', () => {
  let wall = 1000;
  const clock = new RealTimeClock(() => wall);
  const fired: number[] = [];
  clock.setTimeout(() => fired.push(clock.now()), 100);
  wall = 1500; // the process was busy: the timer is 400 ms late
  clock.sync();
  assert.equal(fired, [1100]);
  assert.is(clock.now(), 1500);
});

test('a real-time clock fires on its own when the wall clock passes a due time', async () => {
  const clock = new RealTimeClock();
  const keepAlive = setInterval(() => {}, 1000); // the clock's own timer never keeps a process alive
  const start = clock.now();
  const fired = await new Promise<number>((resolve) => clock.setTimeout(() => resolve(clock.now()), 5));
  clearInterval(keepAlive);
  assert.is(fired, start + 5, 'stamped with its due time');
});

test.run();

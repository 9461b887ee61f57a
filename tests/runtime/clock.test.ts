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

test('a timer further away than a real timer can wait (a log ahead of this clock) waits in the longest steps, then fires', () => {
  let wall = 0;
  const armed: { fn: () => void; ms: number }[] = [];
  const clock = new RealTimeClock(() => wall, 100 * 86_400_000, { setTimeout: (fn, ms) => armed.push({ fn, ms }), clearTimeout: () => {} });
  const fired: number[] = [];
  clock.setTimeout(() => fired.push(clock.now()), 60_000); // the virtual clock is 100 days ahead of the wall clock
  assert.equal(armed.map((a) => a.ms), [2 ** 31 - 1], 'never more than a real timer takes');
  for (let step = 0; fired.length === 0 && step < 10; step++) {
    wall += armed.at(-1)!.ms;
    armed.at(-1)!.fn();
  }
  assert.equal(fired, [100 * 86_400_000 + 60_000]);
  assert.is(armed.length, 5, 'four longest waits, then the rest');
  assert.ok(armed.every((a) => a.ms >= 0 && a.ms <= 2 ** 31 - 1));
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

// Activity is told to the terminal machine late: one log entry per idle-notice period for a busy
// terminal instead of one a second, while the idle notice and the timeout still count from the
// real last keystroke or output, live and after a replay.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { MemoryStore } from '../../src/events/store.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';

const test = suite('late activity: few log entries, exact idle timing');

async function busyTerminal() {
  const made = makeSystem({ script: (s) => void s.open() });
  made.system.exec(shellIn('web'), ['nginx']);
  await settle();
  const connectedAt = made.clock.now();
  const activity = () => made.system.entries().filter((e) => e.type === 'session.activity');
  return { ...made, connectedAt, activity, stream: made.adapter.streams[0] };
}

test('an hour of output every 200 ms makes one activity entry a minute, not one a second', async () => {
  const { clock, stream, activity, system } = await busyTerminal();
  for (let ms = 0; ms < 3_600_000; ms += 200) {
    clock.advanceBy(200);
    stream.stdout('x');
  }
  assert.ok(activity().length >= 59 && activity().length <= 61, `${activity().length} entries`);
  assert.is(system.sessionList.byId.t1.state, 'interactive');
  assert.ok(!system.entries().some((e) => e.type === 'session.idle'), 'a busy terminal is never idle');
});

test('the idle notice comes 60 s after the real last output, which the entry records', async () => {
  const { clock, stream, activity, system, connectedAt } = await busyTerminal();
  clock.advanceBy(10_000);
  stream.stdout('a');
  clock.advanceBy(7_000);
  stream.stdout('b'); // the last output, at 17 s
  assert.is(activity().length, 0, 'not told yet');
  clock.advanceBy(42_998);
  assert.is(activity().length, 0, 'still not told at 59.998 s');
  clock.advanceBy(1); // 59.999 s: the last call before the notice, due at 60 s
  assert.equal(activity().map((e) => [e.time - connectedAt, 'quietMs' in e ? e.quietMs : 0]), [[59_999, 42_999]]);
  assert.is(system.sessionList.byId.t1.lastActivityAt, connectedAt + 17_000);
  assert.is(system.sessionList.byId.t1.state, 'interactive');
  clock.advanceBy(17_000); // 76.999 s
  assert.is(system.sessionList.byId.t1.state, 'interactive');
  clock.advanceBy(1); // 77 s = 17 s + 60 s
  assert.is(system.sessionList.byId.t1.state, 'idle');
});

test('activity while idle is told at once (the page shows it live again)', async () => {
  const { clock, stream, system } = await busyTerminal();
  clock.advanceBy(61_000);
  assert.is(system.sessionList.byId.t1.state, 'idle');
  stream.stdout('back');
  assert.is(system.sessionList.byId.t1.state, 'interactive');
  assert.equal(system.entries().slice(-2).map((e) => e.type), ['session.activity', 'session.active']);
});

test('the timeout counts from the real last activity: 300 s after it, not after the entry', async () => {
  const { clock, stream, system, connectedAt } = await busyTerminal();
  clock.advanceBy(30_000);
  stream.stdout('last');
  clock.advanceBy(299_999);
  assert.is(system.sessionList.byId.t1.state, 'idle');
  clock.advanceBy(1);
  const ended = system.entries().at(-1)!;
  assert.is(ended.type, 'session.timedOut');
  assert.is(ended.time - connectedAt, 330_000);
});

test('an exec that ends tells its untold activity first, so the last activity shown is true', async () => {
  const { clock, stream, system, connectedAt } = await busyTerminal();
  clock.advanceBy(5_000);
  stream.stdout('bye');
  clock.advanceBy(2_000);
  stream.exit(0);
  assert.equal(system.entries().slice(-2).map((e) => e.type), ['session.activity', 'session.exited']);
  assert.is(system.sessionList.byId.t1.lastActivityAt, connectedAt + 5_000);
});

test('a replay of a busy, then quiet, log decides the same idle and timeout at the same times', async () => {
  const store = new MemoryStore();
  const adapter = new FakeExecAdapter((s) => void s.open());
  const live = ExecSystem.open({ adapter, store, clock: (start) => new VirtualClock(start) });
  live.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
  await settle();
  const [a, b] = adapter.streams;
  for (let i = 0; i < 900; i++) {
    live.clock.advanceBy(333);
    if (i % 3) a.stdout('x');
    if (i < 400 && i % 7 === 0) b.stdout('y');
  }
  live.clock.advanceBy(400_000);
  const replayed = ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store, clock: (start) => new VirtualClock(start) });
  assert.is(replayed.replayReport.divergence, undefined);
  assert.equal(replayed.snapshots(), live.snapshots());
  assert.equal(replayed.sessionList, live.sessionList);
  assert.equal(
    store.entries.filter((e) => e.type === 'session.timedOut').map((e) => 'sessionId' in e && e.sessionId),
    ['t2', 't1'],
  );
});

test.run();

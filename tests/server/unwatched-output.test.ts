// Output keeps a terminal from its idle timeout only while someone watches it (output-counts.ts,
// as the stream hub wires it: a viewer on the data plane): `yes` in a tab that was closed, or whose
// browser vanished, times out as a quiet shell does, with its alert and audit record; one being
// watched is kept alive by its output; keystrokes count whoever watches; a batch's runs, which
// quiet never ends, count all they print. What is logged is the activity, never who watched: a
// replay (with no hub) decides the same. On the virtual clock, with a fake cluster.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter, type FakeStream } from '../../src/adapters/fake-exec.ts';
import type { ExecTarget } from '../../src/domain/target.ts';
import { MemoryStore } from '../../src/events/store.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { DataPlane } from '../../src/server/data-plane.ts';
import { hubOptions } from '../../src/server/hub-options.ts';
import { outputCounts } from '../../src/server/output-counts.ts';
import { settle, shellIn, t0 } from '../support/system.ts';
import { recordingSocket } from './data-plane-stand-in.ts';

const test = suite('output nobody watches is no activity');

const IDLE_TIMEOUT_MS = 5_000;

/** A system on a fake cluster and a data plane wired as the hub wires them. */
function systemAndPlane(store = new MemoryStore()) {
  const adapter = new FakeExecAdapter((s) => void s.open());
  const system = ExecSystem.open({ adapter, store, clock: (start) => new VirtualClock(Math.max(start, t0)), snapshots: false });
  const plane = new DataPlane(system, hubOptions());
  system.io.outputCountsWhen(outputCounts(system, plane));
  /** a page's socket showing `sessionId` (it reads all it is sent) */
  const page = (sessionId: string) => {
    const { socket } = recordingSocket();
    plane.message(socket, { type: 'attach', sessionId, from: 0, ack: false });
    return socket;
  };
  return { system, adapter, plane, page, clock: system.clock };
}

/** Two terminals (t1, t2), each with a 5 s idle timeout. */
async function twoTerminals(store = new MemoryStore()) {
  const made = systemAndPlane(store);
  const { system, adapter } = made;
  system.exec(shellIn('web', ['nginx', 'sidecar'], { idleTimeoutMs: IDLE_TIMEOUT_MS }), ['nginx', 'sidecar']);
  await settle();
  const [t1, t2] = adapter.streams;
  const state = (id: string) => system.sessionList.byId[id].state;
  const timedOutAt = (id: string) => system.entries().find((e) => e.type === 'session.timedOut' && e.sessionId === id)?.time;
  return { ...made, t1, t2, state, timedOutAt, connectedAt: system.clock.now() };
}

/** `yes`, more or less: a line every 100 ms from each stream still running, for `ms`; `each` after each step. */
function print(clock: VirtualClock, streams: FakeStream[], ms: number, each?: (at: number) => void) {
  for (let at = 100; at <= ms; at += 100) {
    clock.advanceBy(100);
    for (const stream of streams) if (!stream.isEnded) stream.stdout('y\n');
    each?.(at);
  }
}

test('printing every 100 ms with nobody watching: timed out at the idle timeout, alert and audit; the same watched runs on', async () => {
  const { system, plane, page, t1, t2, state, timedOutAt, clock, connectedAt } = await twoTerminals();
  page('t2');
  print(clock, [t1, t2], 30_000);
  assert.is(state('t1'), 'timedOut', 'nobody watched t1');
  assert.is(timedOutAt('t1')! - connectedAt, IDLE_TIMEOUT_MS, 'none of its output counted');
  assert.ok(t1.isEnded, 'its exec ended');
  assert.ok(system.alerts.list.some((a) => a.sessionId === 't1' && a.kind === 'timedOut'), 'an alert');
  assert.equal(system.auditTrail.records.find((r) => r.sessionId === 't1')?.outcome, { kind: 'timedOut' });
  assert.is(state('t2'), 'interactive', 'watched: its output is activity, as before');
  assert.not.ok(t2.isEnded);
  assert.not.ok(system.entries().some((e) => e.type === 'session.idle' && e.sessionId === 't2'), 'a watched busy terminal is never idle');
  plane.close();
});

test('a socket dropped, a detach: the last output watched starts the idle timeout; a page back before it finds the terminal running, kept alive again', async () => {
  const { plane, page, t1, t2, state, timedOutAt, clock, connectedAt } = await twoTerminals();
  const vanishing = page('t1');
  let reloading = page('t2');
  print(clock, [t1, t2], 10_000, (at) => {
    if (at === 4_000) plane.disconnected(vanishing); // its browser vanished: the heartbeat dropped its socket at 4 s
    if (at === 6_000) plane.message(reloading, { type: 'detach', sessionId: 't2' }); // a page reload: gone for 3 s, back before the timeout
    if (at === 9_000) reloading = page('t2');
  });
  print(clock, [t1, t2], 20_000);
  assert.is(state('t1'), 'timedOut');
  assert.is(timedOutAt('t1')! - connectedAt, 4_000 + IDLE_TIMEOUT_MS, 'its idle timeout counts from the last output it was watched for');
  assert.is(state('t2'), 'interactive', 'back in time: its output counts again');
  plane.close();
});

test('keystrokes count with nobody watching', async () => {
  const { system, plane, t1, state, clock } = await twoTerminals();
  print(clock, [t1], 30_000, (at) => {
    if (at % 1_000 === 0) system.io.input('t1', new TextEncoder().encode('x'));
  });
  assert.is(state('t1'), 'interactive');
  plane.close();
});

test("a transfer's output is read by its HTTP request: it counts while claimed, not once let go", async () => {
  const { system, plane, t1, state, clock, timedOutAt, connectedAt } = await twoTerminals();
  const letGo = system.io.claim('t1', () => {});
  print(clock, [t1], 10_000);
  assert.is(state('t1'), 'interactive', 'claimed: read as it comes');
  letGo();
  print(clock, [t1], 10_000);
  assert.is(state('t1'), 'timedOut');
  assert.is(timedOutAt('t1')! - connectedAt, 10_000 + IDLE_TIMEOUT_MS);
  plane.close();
});

test('a batch run prints on with nobody watching: never ended for quiet, and not shown idle while it prints', async () => {
  const { system, adapter, plane, clock } = systemAndPlane();
  const targets: ExecTarget[] = [{ namespace: 'batch', pod: 'worker-0', container: 'main' }];
  system.batch({ argv: ['yes'], requestedBy: 'carol', concurrency: 1 }, targets, []);
  await settle();
  print(clock, adapter.streams, 600_000);
  assert.is(system.sessionList.byId.t1.state, 'interactive');
  assert.not.ok(adapter.streams[0].isEnded);
  plane.close();
});

test('the log says the activity, not who watched: a replay with no hub decides the same', async () => {
  const store = new MemoryStore();
  const { system, plane, page, t1, t2, clock, connectedAt } = await twoTerminals(store);
  const watching = page('t2');
  print(clock, [t1, t2], 20_000, (at) => {
    if (at === 12_000) plane.disconnected(watching);
  });
  clock.advanceBy(30_000);
  assert.equal(
    store.entries.filter((e) => e.type === 'session.timedOut').map((e) => 'sessionId' in e && [e.sessionId, e.time - connectedAt]),
    [['t1', IDLE_TIMEOUT_MS], ['t2', 12_000 + IDLE_TIMEOUT_MS]],
  );
  const replayed = ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store, clock: (start) => new VirtualClock(start) });
  assert.is(replayed.replayReport.divergence, undefined);
  assert.equal(replayed.snapshots(), system.snapshots());
  assert.equal(replayed.sessionList, system.sessionList);
  assert.equal(replayed.auditTrail, system.auditTrail);
  plane.close();
});

test.run();

import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { appendFileSync } from 'node:fs';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { listSegments } from '../../src/events/files/layout.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import { MemoryStore, type EventStore, type StoredSnapshot } from '../../src/events/store.ts';
import { RealTimeClock, VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import type { SystemState } from '../../src/runtime/system-snapshot.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('replay: restart from the event log');

test('after a restart the session list comes back, live sessions marked disconnected (restarted)', () => withTempDir(async (dir) => {
  const first = makeSystem({ store: new FileStore(dir), script: (s) => void s.open() });
  first.system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
  await settle();
  first.adapter.streams[1].exit(7);
  // the process dies here: no shutdown, the log is all that is left
  const warnings: string[] = [];
  const second = makeSystem({ store: new FileStore(dir), warnings });
  assert.equal(warnings, []);
  const rows = second.system.sessionList;
  assert.equal(rows.order, ['t1', 't2']);
  assert.is(rows.byId.t1.state, 'disconnected');
  assert.is(rows.byId.t1.disconnectReason, 'restarted');
  assert.is(rows.byId.t2.state, 'exited');
  assert.is(rows.byId.t2.exitCode, 7);
  assert.is(second.adapter.streams.length, 0, 'replay opened no stream');
  assert.equal(second.system.snapshots().terminals.t1.value, 'disconnected');
  // and the system goes on: new ids do not collide, restarts open real streams
  const next = second.system.exec(shellIn('web'), ['nginx']);
  assert.equal('sessionIds' in next && next.sessionIds, ['t3']);
  second.system.restart('t1');
  assert.is(second.adapter.streams.length, 2);
  assert.is(second.system.sessionList.byId.t1.run, 2);
}));

test('after a crash and a long downtime, live sessions come back disconnected (restarted), not ended by timers that fell due meanwhile', () => withTempDir(async (dir) => {
  let wall = Date.now(); // where the clock of a new log starts
  const clock = (start: number) => new RealTimeClock(() => wall, start, { setTimeout: () => 0, clearTimeout: () => {} }); // time moves only when the test says
  const adapter = new FakeExecAdapter((s) => void (s.request.target.container === 'nginx' && s.open()));
  const store = new FileStore(dir);
  const first = ExecSystem.open({ adapter, store, clock, snapshots: false });
  first.exec(shellIn('web', 'all'), ['nginx', 'sidecar']); // t1 runs; t2 is still connecting (its 30 s connect timeout armed)
  await settle();
  first.batch({ argv: ['sleep', '1000'], requestedBy: 'carol', concurrency: 1, timeoutMs: 60_000 }, [{ namespace: 'batch', pod: 'w-0', container: 'main' }], []); // t3: a 60 s deadline
  await settle();
  wall += 5_000;
  adapter.streams[0].stdout('hi');
  wall += 5_000;
  first.resize('t1', 100, 30);
  const lastLogged = first.entries().at(-1)!;
  store.close(); // SIGKILL: no shutdown
  wall += 20 * 60_000; // back 20 minutes later: every idle, connect and deadline timer fell due in the downtime
  const warnings: string[] = [];
  const second = ExecSystem.open({ adapter: new FakeExecAdapter(), store: new FileStore(dir), clock, warn: (w) => warnings.push(w), snapshots: false });
  assert.equal(warnings, []);
  const after = second.entries(lastLogged.seq);
  assert.equal(after.map((e) => [e.type, 'sessionId' in e ? e.sessionId : '', 'reason' in e ? e.reason : '']), [
    ['session.disconnected', 't1', 'restarted'],
    ['session.disconnected', 't2', 'restarted'],
    ['session.disconnected', 't3', 'restarted'],
    ['batch.finished', '', ''],
  ]);
  assert.ok(after.every((e) => e.time === lastLogged.time), 'stamped with the last moment the log vouches for');
  for (const id of ['t1', 't2', 't3']) assert.equal([second.sessionList.byId[id].state, second.sessionList.byId[id].disconnectReason], ['disconnected', 'restarted'], id);
  const replayed = ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store: new FileStore(dir), clock: (s) => new VirtualClock(s), fromSnapshot: false });
  assert.is(replayed.replayReport.divergence, undefined, 'the log replays exactly');
  second.shutdown();
}));

test('a torn tail is reported, naming its file, and the rest replays', () => withTempDir(async (dir) => {
  const first = makeSystem({ store: new FileStore(dir), script: (s) => void s.open() });
  first.system.exec(shellIn('web'), ['nginx']);
  await settle();
  appendFileSync(listSegments(dir)[0].path, '{"seq":99,"ti');
  const warnings: string[] = [];
  const second = makeSystem({ store: new FileStore(dir), warnings });
  assert.is(warnings.length, 1);
  assert.match(warnings[0], /^event log: log\/events-000000000001\.jsonl line \d+ skipped: not JSON/);
  assert.is(second.system.sessionList.byId.t1.state, 'disconnected');
  assert.is(second.system.replayReport.divergence, undefined);
}));

test('a long log (200,000 entries) replays without overflowing anything', () => {
  const store = new MemoryStore();
  for (let seq = 1; seq <= 200_000; seq++) store.entries.push({ seq, time: 1_000 + seq, type: 'session.idle', sessionId: 'gone' });
  const warnings: string[] = [];
  const system = ExecSystem.open({ adapter: new FakeExecAdapter(), store, clock: (s) => new VirtualClock(s), warn: (m) => warnings.push(m) });
  assert.is(system.replayReport.entries, 200_000);
  assert.equal(system.sessionList.order, []);
  assert.is(system.entries(199_990).length, 10);
});

// Drive random exec actions, stream events, user events, busy terminals and clock steps through a
// live system that writes snapshots now and then; then rebuild it from its log alone, and from
// each snapshot plus the entries after it. Every terminal's state and every projection must be
// the same (as JSON: what the API serves and a snapshot keeps), every replay must derive exactly
// the facts that were logged, and the rebuilt systems must go on alike: the same timers fire.
const step = fc.oneof(
  fc.record({ kind: fc.constant('exec' as const), all: fc.boolean(), shell: fc.constantFrom('auto', 'sh', 'bash'), oneShot: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('open', 'output', 'exit', 'fail', 'notFound', 'drop', 'type' as const), stream: fc.nat(40), code: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('busy' as const), stream: fc.nat(40), ms: fc.integer({ min: 1, max: 200_000 }), every: fc.integer({ min: 1, max: 30_000 }) }),
  // longer than the idle timeout: a snapshot keeps only the latest activity of a run, and a start must still not let the idle timeout fire
  fc.record({ kind: fc.constant('busy' as const), stream: fc.nat(40), ms: fc.integer({ min: 300_000, max: 1_500_000 }), every: fc.integer({ min: 5_000, max: 59_000 }) }),
  fc.record({ kind: fc.constantFrom('resize', 'restart', 'close' as const), session: fc.integer({ min: 1, max: 20 }), cols: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('closeAllEnded' as const) }),
  fc.record({ kind: fc.constant('batch' as const), size: fc.integer({ min: 0, max: 4 }), concurrency: fc.integer({ min: 1, max: 3 }), timeout: fc.option(fc.integer({ min: 1000, max: 60_000 }), { nil: undefined }) }),
  fc.record({ kind: fc.constant('cancel' as const), batch: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 400_000 }) }),
  fc.record({ kind: fc.constant('snapshot' as const) }),
);

/** The log of `base` (its entries as they are now) with only `snapshot` to start from; what a rebuilt system appends stays its own. */
function forkOf(base: MemoryStore, snapshot?: StoredSnapshot): EventStore & { appended: LogEntry[] } {
  const entries = [...base.entries];
  const appended: LogEntry[] = [];
  return {
    appended,
    read: (after) => entries.filter((entry) => entry.seq > after),
    append: (entry) => void appended.push(entry),
    putSnapshot: () => {},
    snapshots: () => (snapshot ? [snapshot] : []),
    compactedThrough: () => 0,
    compact: () => base.compact({ through: 0 }),
    close: () => {},
  };
}

const json = (value: unknown) => JSON.parse(JSON.stringify(value));
const stateOf = (system: ExecSystem) =>
  json({ actors: system.snapshots(), sessionList: system.sessionList, auditTrail: system.auditTrail, alerts: system.alerts, batches: system.batches });

test('a terminal busy for 7 days: its snapshots stay as small as on the first day, and a start from any of them is the whole replay', async () => {
  const store = new MemoryStore();
  const adapter = new FakeExecAdapter((s) => void s.open());
  const live = ExecSystem.open({ adapter, store, clock: (s) => new VirtualClock(s), snapshots: false });
  live.exec(shellIn('web'), ['nginx']);
  await settle();
  const sizes: number[] = [];
  for (let day = 1; day <= 7; day++) {
    for (let i = 0; i < 8_640; i++) {
      live.clock.advanceBy(10_000); // output every 10 s: `top`, `tail -f`
      adapter.last().stdout('x');
    }
    assert.ok(live.writeSnapshot());
    const state = store.snapshots()[0].load().state as SystemState;
    assert.ok(state.liveRuns.length <= 3, `day ${day}: ${state.liveRuns.length} entries of the live run kept`);
    sizes.push(JSON.stringify(state).length);
  }
  assert.ok(Math.max(...sizes) - Math.min(...sizes) < 200, `snapshot sizes ${sizes.join(', ')}`);
  assert.is(live.sessionList.byId.t1.state, 'interactive');
  const whole = ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store: forkOf(store), clock: (s) => new VirtualClock(s), fromSnapshot: false });
  assert.equal(stateOf(whole), stateOf(live));
  const rebuilt = store.snapshots().map((snapshot) => ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store: forkOf(store, snapshot), clock: (s) => new VirtualClock(s) }));
  assert.is(rebuilt.length, 3);
  assert.is(rebuilt[0].replayReport.entries, 0, 'a start from the newest replays no entry (and the three kept of the live run)');
  for (const [i, system] of rebuilt.entries()) {
    assert.is(system.replayReport.divergence, undefined);
    assert.is(system.replayReport.entries, store.entries.filter((e) => e.seq > store.snapshots()[i].seq).length, 'only the entries after its snapshot');
    assert.equal(stateOf(system), stateOf(whole), 'snapshot + tail = full replay');
  }
  for (const system of [whole, ...rebuilt]) system.clock.advanceBy(600_000); // quiet from here: each times out, at the same moment
  assert.is(whole.sessionList.byId.t1.state, 'timedOut');
  for (const system of rebuilt) assert.equal(stateOf(system), stateOf(whole));
});

test('property: a random run rebuilt from its whole log, or from any snapshot and the entries after it, is the same system', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
      const store = new MemoryStore();
      const adapter = new FakeExecAdapter();
      const live = ExecSystem.open({ adapter, store, config: { maxLiveSessions: 6 }, clock: (s) => new VirtualClock(s) });
      for (const s of steps) {
        const stream = 'stream' in s ? adapter.streams[s.stream % Math.max(1, adapter.streams.length)] : undefined;
        switch (s.kind) {
          case 'exec':
            live.exec(shellIn('web', s.all ? 'all' : ['nginx'], s.oneShot ? { command: { argv: ['hostname'] }, interactive: false } : { command: { shell: s.shell } }), s.all ? ['nginx', 'sidecar'] : ['nginx']);
            break;
          case 'open':
            if (stream && !stream.isEnded && !stream.isOpen) stream.open();
            break;
          case 'output':
            stream?.stdout('x');
            break;
          case 'busy':
            for (let ms = 0; ms < s.ms; ms += s.every) {
              live.clock.advanceBy(s.every);
              stream?.stdout('y');
            }
            break;
          case 'type':
            live.io.input(`t${(s.stream % 20) + 1}`, new Uint8Array([65]));
            break;
          case 'exit':
            stream?.exit(s.code);
            break;
          case 'fail':
            stream?.fail('forbidden');
            break;
          case 'notFound':
            stream?.fail('commandNotFound');
            break;
          case 'drop':
            stream?.drop();
            break;
          case 'resize':
            live.resize(`t${s.session}`, s.cols, 40);
            break;
          case 'restart':
            live.restart(`t${s.session}`);
            break;
          case 'close':
            live.close(`t${s.session}`);
            break;
          case 'closeAllEnded':
            live.closeAllEnded();
            break;
          case 'batch':
            live.batch(
              { argv: ['hostname'], requestedBy: 'tester', concurrency: s.concurrency, ...(s.timeout ? { timeoutMs: s.timeout } : {}) },
              Array.from({ length: s.size }, (_, i) => ({ namespace: 'batch', pod: `worker-${i}`, container: 'main' })),
              [],
            );
            break;
          case 'cancel':
            live.cancelBatch(`b${s.batch}`);
            break;
          case 'tick':
            live.clock.advanceBy(s.ms);
            break;
          case 'snapshot':
            live.writeSnapshot();
            break;
        }
        await settle();
      }
      const rebuild = (snapshot?: StoredSnapshot) => {
        const fork = forkOf(store, snapshot);
        const system = ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store: fork, config: { maxLiveSessions: 6 }, clock: (s) => new VirtualClock(s), fromSnapshot: snapshot !== undefined });
        assert.is(system.replayReport.divergence, undefined);
        assert.is(system.replayReport.snapshot?.seq, snapshot?.seq);
        return { system, fork };
      };
      const whole = rebuild();
      assert.equal(stateOf(whole.system), stateOf(live));
      const rebuilt = store.snapshots().map((snapshot) => rebuild(snapshot));
      for (const { system } of rebuilt) assert.equal(stateOf(system), stateOf(whole.system), 'snapshot + tail = full replay');
      // and they go on alike: a day later, the same timers have fired, with the same facts
      for (const { system } of [whole, ...rebuilt]) system.clock.advanceBy(86_400_000);
      for (const { system, fork } of rebuilt) {
        assert.equal(stateOf(system), stateOf(whole.system));
        assert.equal(fork.appended, whole.fork.appended);
      }
    }),
    { numRuns: Number(process.env.FC_RUNS ?? 150), ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
  );
});

test.run();

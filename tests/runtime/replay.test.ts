import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { MemoryStore } from '../../src/events/store.ts';
import { JsonlStore } from '../../src/events/jsonl-store.ts';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendFileSync } from 'node:fs';

const test = suite('replay: restart from the event log');

test('after a restart the session list comes back, live sessions marked disconnected (restarted)', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'octant-exec-replay-')), 'events.jsonl');
  const first = makeSystem({ store: new JsonlStore(path), script: (s) => void s.open() });
  first.system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
  await settle();
  first.adapter.streams[1].exit(7);
  // the process dies here: no shutdown, the log is all that is left
  const warnings: string[] = [];
  const second = makeSystem({ store: new JsonlStore(path), warnings });
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
});

test('a torn tail is reported and the rest replays', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'octant-exec-replay-')), 'events.jsonl');
  const first = makeSystem({ store: new JsonlStore(path), script: (s) => void s.open() });
  first.system.exec(shellIn('web'), ['nginx']);
  await settle();
  appendFileSync(path, '{"seq":99,"ti');
  const warnings: string[] = [];
  const second = makeSystem({ store: new JsonlStore(path), warnings });
  assert.is(warnings.length, 1);
  assert.match(warnings[0], /line \d+ skipped/);
  assert.is(second.system.sessionList.byId.t1.state, 'disconnected');
  assert.is(second.system.replayReport.divergence, undefined);
});

test('a long log (200,000 entries) replays without overflowing anything', () => {
  const store = new MemoryStore();
  for (let seq = 1; seq <= 200_000; seq++) store.entries.push({ seq, time: 1_000 + seq, type: 'session.idle', sessionId: 'gone' });
  const warnings: string[] = [];
  const system = ExecSystem.open({ adapter: new FakeExecAdapter(), store, clock: (s) => new VirtualClock(s), warn: (m) => warnings.push(m) });
  assert.is(system.replayReport.entries, 200_000);
  assert.equal(system.sessionList.order, []);
  assert.is(system.entries(199_990).length, 10);
});

// Drive random exec actions, stream events, user events and clock steps through a live system,
// then replay its log into a fresh one: every terminal's state and the session list must match,
// and the replay must derive exactly the facts that were logged.
const step = fc.oneof(
  fc.record({ kind: fc.constant('exec' as const), all: fc.boolean(), shell: fc.constantFrom('auto', 'sh', 'bash'), oneShot: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('open', 'output', 'exit', 'fail', 'notFound', 'drop', 'type' as const), stream: fc.nat(40), code: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constantFrom('resize', 'restart', 'close' as const), session: fc.integer({ min: 1, max: 20 }), cols: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('closeAllEnded' as const) }),
  fc.record({ kind: fc.constant('batch' as const), size: fc.integer({ min: 0, max: 4 }), concurrency: fc.integer({ min: 1, max: 3 }), timeout: fc.option(fc.integer({ min: 1000, max: 60_000 }), { nil: undefined }) }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 400_000 }) }),
);

test('property: replaying the log of a random run gives equal states and derives the same facts', async () => {
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
          case 'tick':
            live.clock.advanceBy(s.ms);
            break;
        }
        await settle();
      }
      const replayed = ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store, config: { maxLiveSessions: 6 }, clock: (s) => new VirtualClock(s) });
      assert.is(replayed.replayReport.divergence, undefined);
      assert.equal(replayed.snapshots(), live.snapshots());
      assert.equal(replayed.sessionList, live.sessionList);
      assert.equal(replayed.auditTrail, live.auditTrail);
      assert.equal(replayed.batches, live.batches);
    }),
    { numRuns: 150 },
  );
});

test.run();

// A state directory written before a running batch terminal's close freed its slot (032a283 and
// earlier): there, the close logged `session.closed` and nothing else, the batch's queue stayed
// put, and the next exec was given the next id (t2). A start replays that log through today's
// machines, which must derive exactly the log (docs/architecture.md: "a start replays old entries
// ... without a divergence"). Today's supervisor starts the queued target at the replayed close
// instead: it derives a `session.spawned` the log does not have, hands its id (t2) to the batch's
// terminal, and the exec the log gave t2 becomes t3 in the actors. After the start, the listed t2
// (a shell in web/nginx) restarted runs the batch's command in worker-1 instead. The same holds for
// a batch's ended terminal restarted, which counts in its batch since the same commit: a log where
// the batch finished while the restarted run ran (as it then did) no longer replays.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { settle } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('a log from before batch closes freed their slot', { deadlineMs: 20_000 });

const t = 1_796_440_874_000;
// as the server before the fix logged it: a batch of one at a time over two targets, its running
// terminal closed, then a shell opened
const oldLog = [
  { type: 'batch.started', batchId: 'b1', action: { argv: ['true'], requestedBy: 'carol', concurrency: 1 }, targets: [{ namespace: 'batch', pod: 'worker-0', container: 'main' }, { namespace: 'batch', pod: 'worker-1', container: 'main' }], skipped: [], seq: 1, time: t },
  { type: 'session.spawned', sessionId: 't1', requestId: 'b1', batchId: 'b1', target: { namespace: 'batch', pod: 'worker-0', container: 'main' }, command: { argv: ['true'] }, interactive: false, requestedBy: 'carol', idleTimeoutMs: 300000, seq: 2, time: t },
  { type: 'session.connecting', sessionId: 't1', run: 1, argv: ['true'], seq: 3, time: t },
  { type: 'session.connected', sessionId: 't1', protocol: 'fake.v1', seq: 4, time: t },
  { type: 'session.closed', sessionId: 't1', seq: 5, time: t + 1000 },
  { type: 'exec.requested', requestId: 'r1', action: { target: { namespace: 'default', pod: 'web', containers: ['nginx'] }, command: { shell: 'auto' }, interactive: true, requestedBy: 'tester' }, containers: ['nginx'], sessionIds: ['t2'], seq: 6, time: t + 2000 },
  { type: 'session.spawned', sessionId: 't2', requestId: 'r1', target: { namespace: 'default', pod: 'web', container: 'nginx' }, command: { shell: 'auto' }, interactive: true, requestedBy: 'tester', idleTimeoutMs: 300000, seq: 7, time: t + 2000 },
  { type: 'session.connecting', sessionId: 't2', run: 1, argv: ['bash'], seq: 8, time: t + 2000 },
  { type: 'session.connected', sessionId: 't2', protocol: 'fake.v1', seq: 9, time: t + 2000 },
];

test('it replays without a divergence, and its terminals are the ones the log lists', () =>
  withTempDir(async (dir) => {
    writeFileSync(join(dir, 'events.jsonl'), oldLog.map((entry) => JSON.stringify(entry)).join('\n') + '\n');
    const warnings: string[] = [];
    const adapter = new FakeExecAdapter((stream) => void stream.open());
    const system = ExecSystem.open({ adapter, store: new FileStore(dir), clock: (start) => new VirtualClock(start), warn: (w) => warnings.push(w) });
    try {
      assert.is(system.replayReport.divergence, undefined, `the old log replays exactly: ${warnings.join('; ')}`);
      assert.equal(system.sessionList.order, ['t2']);
      assert.is(system.sessionList.byId.t2.state, 'disconnected', 'the shell the log left live is disconnected by the restart');
      // the listed t2 is the shell in web/nginx: restarting it runs a shell there
      system.restart('t2');
      await settle();
      const last = adapter.streams.at(-1);
      assert.ok(last, 'the restart opened an exec');
      assert.equal([last!.request.target.pod, last!.request.target.container], ['web', 'nginx'], `t2 restarted ran ${JSON.stringify(last!.request.argv)} in ${last!.request.target.pod}`);
    } finally {
      await system.shutdown();
    }
  }));

// as the server before the fix logged it: one at a time over two targets; t1 ends, t2 starts, t1 is
// restarted (it did not count in its batch then), t2 ends and the batch finishes while t1 runs
const restartLog = [
  oldLog[0],
  oldLog[1],
  oldLog[2],
  oldLog[3],
  { type: 'session.exited', sessionId: 't1', code: 1, seq: 5, time: t + 1000 },
  { type: 'session.spawned', sessionId: 't2', requestId: 'b1', batchId: 'b1', target: { namespace: 'batch', pod: 'worker-1', container: 'main' }, command: { argv: ['true'] }, interactive: false, requestedBy: 'carol', idleTimeoutMs: 300000, seq: 6, time: t + 1000 },
  { type: 'session.connecting', sessionId: 't2', run: 1, argv: ['true'], seq: 7, time: t + 1000 },
  { type: 'session.connected', sessionId: 't2', protocol: 'fake.v1', seq: 8, time: t + 1000 },
  { type: 'session.restarted', sessionId: 't1', run: 2, seq: 9, time: t + 2000 },
  { type: 'session.connecting', sessionId: 't1', run: 2, argv: ['true'], seq: 10, time: t + 2000 },
  { type: 'session.connected', sessionId: 't1', protocol: 'fake.v1', seq: 11, time: t + 2000 },
  { type: 'session.exited', sessionId: 't2', code: 0, seq: 12, time: t + 3000 },
  { type: 'batch.finished', batchId: 'b1', seq: 13, time: t + 3000 },
];

test('a batch terminal restarted in a log from before restarts counted: it replays without a divergence', () =>
  withTempDir(async (dir) => {
    writeFileSync(join(dir, 'events.jsonl'), restartLog.map((entry) => JSON.stringify(entry)).join('\n') + '\n');
    const warnings: string[] = [];
    const system = ExecSystem.open({ adapter: new FakeExecAdapter((stream) => void stream.open()), store: new FileStore(dir), clock: (start) => new VirtualClock(start), warn: (w) => warnings.push(w) });
    try {
      assert.is(system.replayReport.divergence, undefined, `the old log replays exactly: ${warnings.join('; ')}`);
    } finally {
      await system.shutdown();
    }
  }));

test.run();

// A log from before batch runs lost their idle timeout: there, a quiet batch run was ended after
// the server's idle timeout, as any terminal, and the batch said "ran longer than 300 s" for it.
// Today's machines must replay that log exactly (the batch was started without `noIdleTimeout`,
// so its runs get the server's idle timeout again), and the batch must word that end by its cause.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('a log from before batch runs had no idle timeout', { deadlineMs: 20_000 });

const t = 1_796_440_874_000;
const target = { namespace: 'batch', pod: 'worker-0', container: 'main' };
const oldLog = [
  { type: 'batch.started', batchId: 'b1', action: { argv: ['sh', '-c', 'sleep 310; echo done'], requestedBy: 'carol', concurrency: 1, timeoutMs: 600_000 }, targets: [target], skipped: [] },
  { type: 'session.spawned', sessionId: 't1', requestId: 'b1', batchId: 'b1', target, command: { argv: ['sh', '-c', 'sleep 310; echo done'] }, interactive: false, requestedBy: 'carol', idleTimeoutMs: 300_000 },
  { type: 'session.connecting', sessionId: 't1', run: 1, argv: ['sh', '-c', 'sleep 310; echo done'] },
  { type: 'session.connected', sessionId: 't1', protocol: 'fake.v1' },
  { type: 'session.idle', sessionId: 't1', at: 60_000 },
  { type: 'session.timedOut', sessionId: 't1', afterMs: 300_000, cause: 'idle', at: 300_000 },
  { type: 'batch.finished', batchId: 'b1', at: 300_000 },
].map(({ at, ...entry }, i) => ({ ...entry, seq: i + 1, time: t + (at ?? 0) }));

test('it replays without a divergence, and the batch says the run was ended for quiet', () =>
  withTempDir(async (dir) => {
    writeFileSync(join(dir, 'events.jsonl'), oldLog.map((entry) => JSON.stringify(entry)).join('\n') + '\n');
    const warnings: string[] = [];
    const system = ExecSystem.open({ adapter: new FakeExecAdapter((stream) => void stream.open()), store: new FileStore(dir), clock: (start) => new VirtualClock(start), warn: (w) => warnings.push(w) });
    try {
      assert.is(system.replayReport.divergence, undefined, `the old log replays exactly: ${warnings.join('; ')}`);
      const [result] = system.batches.byId.b1.results;
      assert.equal([result.state, result.reason], ['timedOut', 'no output for 300 s']);
    } finally {
      await system.shutdown();
    }
  }));

test.run();

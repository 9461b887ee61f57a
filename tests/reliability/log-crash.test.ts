// SIGKILL at the worst moments of the event log's life: halfway through a snapshot, just before
// its rename, right after a segment roll, halfway through a compaction and just before its
// rename. Each time the next start succeeds, nothing written before the kill is lost, and the
// state is exactly what a replay of the whole log gives.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileStore, type CrashPoint } from '../../src/events/file-store.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { compactionPolicy } from '../../src/runtime/log-upkeep.ts';
import { startCli } from '../support/cli.ts';
import { withTimeout } from '../support/wait.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('event log: SIGKILL at each crash point');
const writer = new URL('fixtures/crashing-writer.ts', import.meta.url).pathname;
const json = (value: unknown) => JSON.parse(JSON.stringify(value));

/** Runs the writer until it stops at `point`, kills it there, and returns the last seq it had written whole. */
async function killAt(dir: string, point: CrashPoint): Promise<number> {
  const child = startCli([dir, point], { script: writer });
  const line = await waitFor(() => child.stdout.find((l) => l.startsWith('at ') || l === 'never crashed') ?? (child.child.exitCode !== null && `exited: ${child.stderr()}`), `the writer to reach "${point}"`, 60_000);
  assert.ok(line.startsWith(`at ${point} `), line);
  child.child.kill('SIGKILL');
  await withTimeout(child.exit, 10_000, 'the writer to die');
  return Number(line.split(' ').at(-1));
}

function reopen(dir: string, options: { fromSnapshot?: boolean; warnings?: string[] } = {}) {
  return ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store: new FileStore(dir), clock: (t) => new VirtualClock(t), warn: (w) => options.warnings?.push(w), fromSnapshot: options.fromSnapshot });
}

for (const point of ['snapshot half written', 'snapshot before rename', 'segment rolled', 'compaction half written', 'compaction before rename'] as const) {
  test(`killed at "${point}": the next start succeeds, with every entry written before and the exact state`, () =>
    withTempDir(async (dir) => {
      const last = await killAt(dir, point);
      const seqs = [...new FileStore(dir).read(0)].map((e) => e.seq);
      assert.ok(seqs.length > 100);
      assert.is(seqs.at(-1), last, 'nothing written whole is missing at the end');
      const warnings: string[] = [];
      const started = reopen(dir, { warnings });
      assert.equal(warnings, []);
      assert.ok(started.replayReport.snapshot, 'a start from a snapshot');
      assert.is(started.replayReport.divergence, undefined);
      const whole = reopen(dir, { fromSnapshot: false });
      assert.is(whole.replayReport.divergence, undefined);
      assert.equal(json(started.snapshots()), json(whole.snapshots()));
      assert.equal(json(started.sessionList), json(whole.sessionList));
      // and life goes on: a server opens it, appends, snapshots and compacts
      const store = new FileStore(dir, { segmentBytes: 4096 });
      const system = ExecSystem.open({ adapter: new FakeExecAdapter(), store, clock: (t) => new VirtualClock(t), warn: (w) => assert.unreachable(w) });
      assert.ok(system.entries(last).length > 0, 'the restart appended');
      assert.ok(system.writeSnapshot());
      const report = await store.compact(compactionPolicy(store, { days: 0, auditDays: 0 }, system.clock.now(), () => {})!);
      assert.is(report.busy, undefined, 'a dead writer\'s lock is taken over');
      system.shutdown();
      assert.equal(readdirSync(join(dir, 'log')).filter((name) => name.endsWith('.tmp')), [], 'what the kill left half written is gone');
      assert.equal(readdirSync(join(dir, 'snapshots')).filter((name) => name.endsWith('.tmp')), []);
    }));
}

test.run();

// The server's upkeep of its log: after a snapshot, at most once an hour, compaction through the
// second newest snapshot, under the retention policy; never more than one at a time.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { LogUpkeep } from '../../src/runtime/log-upkeep.ts';
import { settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('log upkeep');

test('after a snapshot, at most once an hour, the log is compacted through the second newest snapshot', () =>
  withTempDir(async (dir) => {
    const adapter = new FakeExecAdapter((s) => void s.open());
    const store = new FileStore(dir, { segmentBytes: 2048 });
    const system = ExecSystem.open({ adapter, store, clock: () => new VirtualClock(Date.UTC(2026, 0, 1)), snapshots: { everyEntries: 50 } });
    const upkeep = new LogUpkeep(system, store, { days: 90, auditDays: 0 }, (w) => assert.unreachable(w));
    const work = async (sessions: number) => {
      for (let i = 0; i < sessions; i++) {
        system.exec(shellIn('web'), ['nginx']);
        await settle();
        for (let tick = 0; tick < 10; tick++) {
          system.clock.advanceBy(61_000); // idle and active again: three entries each time
          adapter.last().stdout('x');
        }
        adapter.last().exit(0);
        await settle(); // a snapshot that fell due is written
      }
    };
    await work(3);
    const first = await waitFor(() => store.compactedThrough() || undefined, 'the first compaction, once there are two snapshots');
    await work(3); // well within the hour: more snapshots, no compaction
    assert.is(store.compactedThrough(), first);
    system.clock.advanceBy(3_600_000);
    await work(1);
    await waitFor(() => store.compactedThrough() > first, 'the compaction an hour later');
    const snapshots = store.snapshots().map((s) => s.seq);
    assert.ok(store.compactedThrough() <= snapshots[1], 'never through the newest snapshot: it stays to fall back on');
    await upkeep.close();
    system.shutdown();
  }));

test.run();

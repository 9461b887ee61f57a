// The server's upkeep of its log: after a snapshot, at most once an hour, compaction through the
// second newest snapshot, under the retention policy; never more than one at a time.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { auditRecords } from '../../src/events/audit-records.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { LogUpkeep, fileLog } from '../../src/runtime/log-upkeep.ts';
import type { SystemState } from '../../src/runtime/system-snapshot.ts';
import { settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('log upkeep');

/** A system on a file log that writes a snapshot every 50 entries, with its upkeep (90 days' retention, no warning expected). */
function upkept(dir: string, { close = false } = {}) {
  const adapter = new FakeExecAdapter((s) => void s.open());
  const store = new FileStore(dir, { segmentBytes: 2048 });
  const system = ExecSystem.open({ adapter, store, clock: () => new VirtualClock(Date.UTC(2026, 0, 1)), snapshots: { everyEntries: 50 } });
  const unexpected = (w: string) => assert.unreachable(w);
  const upkeep = new LogUpkeep(system, fileLog(store, unexpected), { days: 90, auditDays: 0 }, unexpected);
  /** `sessions` busy shells, one after another, each run to its end (and closed, with `close`) */
  const work = async (sessions: number) => {
    for (let i = 0; i < sessions; i++) {
      system.exec(shellIn('web'), ['nginx']);
      await settle();
      for (let tick = 0; tick < 10; tick++) {
        system.clock.advanceBy(61_000); // idle and active again: three entries each time
        adapter.last().stdout('x');
      }
      adapter.last().exit(0);
      if (close) system.close(system.sessionList.order.at(-1)!);
      await settle(); // a snapshot that fell due is written
    }
  };
  return { adapter, store, system, upkeep, work };
}

test('after a snapshot, at most once an hour, the log is compacted through the second newest snapshot', () =>
  withTempDir(async (dir) => {
    const { store, system, upkeep, work } = upkept(dir);
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

test('retention closes terminals that ended longer ago than it keeps: logged like any close, gone from the state, then compacted to their audit records', () =>
  withTempDir(async (dir) => {
    const { adapter, store, system, upkeep, work } = upkept(dir, { close: true });
    const expiredBefore: number[] = []; // what the recordings are told (the server's recorder removes files written before it)
    upkeep.alsoExpire((before) => expiredBefore.push(before));
    system.exec(shellIn('db'), ['pg']); // t1: ended, left on screen, never closed
    await settle();
    adapter.last().exit(3);
    system.clock.advanceBy(91 * 86_400_000);
    system.exec(shellIn('db'), ['pg']); // t2: ended yesterday
    await settle();
    adapter.last().exit(4);
    system.clock.advanceBy(86_400_000);
    await work(3);
    await waitFor(() => !system.sessionList.byId.t1, 'retention to close t1');
    const ended = (id: string) => system.entries().find((e) => e.type === 'session.exited' && e.sessionId === id)!.time;
    assert.ok(expiredBefore.length > 0 && expiredBefore.every((time) => time > ended('t1') && time < ended('t2')), "recordings go with the runs retention lets go: t1's, not t2's");
    const closed = system.entries().find((e) => e.type === 'session.closed' && e.sessionId === 't1')!;
    assert.ok(closed, 'the close is in the log');
    assert.equal(system.sessionList.byId.t2?.state, 'exited', 't2 ended within the retention age: kept on screen');
    await work(3);
    const state = store.snapshots()[0].load().state as SystemState;
    assert.ok(store.snapshots()[0].seq > closed.seq);
    assert.equal([state.supervisor.context.sessions.t1, state.supervisor.children.t1, state.projections.sessionList.byId.t1], [undefined, undefined, undefined], 'the snapshot no longer holds t1');
    assert.ok(state.supervisor.children.t2, 'but t2');
    system.clock.advanceBy(3_600_000);
    await work(3);
    await waitFor(() => store.compactedThrough() > closed.seq, 'a compaction that covers the close');
    await upkeep.close();
    assert.equal([...store.read(0)].filter((e) => 'sessionId' in e && e.sessionId === 't1').map((e) => e.type), ['session.closed'], 't1 is gone from the log but for its close');
    assert.equal([...auditRecords(store.read(0))].filter((r) => r.sessionId === 't1').map((r) => r.outcome), [{ kind: 'exited', code: 3 }], 'and its audit record');
    system.shutdown();
  }));

test('a compaction that cannot read the snapshots is told in a warning and tried again later; it never rejects', () =>
  withTempDir(async (dir) => {
    let failing = false;
    /** The state directory's snapshots folder gives out (EMFILE on a busy server, EIO) once the system runs. */
    class FailingStore extends FileStore {
      override snapshots() {
        if (failing) throw Object.assign(new Error('EMFILE: too many open files, scandir'), { code: 'EMFILE' });
        return super.snapshots();
      }
    }
    const store = new FailingStore(dir);
    const system = ExecSystem.open({ adapter: new FakeExecAdapter(), store, clock: () => new VirtualClock(Date.UTC(2026, 0, 1)), snapshots: false });
    const warnings: string[] = [];
    const warn = (w: string) => void warnings.push(w);
    const upkeep = new LogUpkeep(system, fileLog(store, warn), { days: 90, auditDays: 0 }, warn);
    failing = true;
    assert.is(await upkeep.compact(), undefined);
    assert.equal(warnings, ['compaction of the event log stopped (EMFILE: too many open files, scandir): each segment is whole, compacted or as it was; it is tried again in an hour']);
    await upkeep.close();
    system.shutdown();
  }));

test.run();

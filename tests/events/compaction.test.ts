// Compaction and retention: what goes, what stays, and that nothing a start or an auditor needs
// is lost.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileStore } from '../../src/events/file-store.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import { project } from '../../src/events/projection.ts';
import { auditTrail } from '../../src/events/projections/audit-trail.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { compactionPolicy } from '../../src/runtime/log-upkeep.ts';
import { settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('event log: compaction and retention');
const DAY = 86_400_000;
const day0 = Date.UTC(2026, 0, 1);

function open(dir: string) {
  const adapter = new FakeExecAdapter((s) => void s.open());
  const store = new FileStore(dir, { segmentBytes: 4096 });
  const system = ExecSystem.open({ adapter, store, config: { maxLiveSessions: 3 }, clock: () => new VirtualClock(day0), snapshots: false });
  const busy = (seconds: number) => {
    for (let i = 0; i < seconds; i++) {
      system.clock.advanceBy(30_000);
      for (const stream of adapter.live()) stream.stdout('x');
    }
  };
  return { adapter, store, system, busy };
}

const wholeTrail = (entries: LogEntry[]) => project(auditTrail(Infinity), entries).records;
const sessionOf = (entry: LogEntry) => ('sessionId' in entry ? entry.sessionId : undefined);
const json = (value: unknown) => JSON.parse(JSON.stringify(value));

test('activity of ended runs goes; live runs, other entries, and everything after the base stay; a start is unchanged', () =>
  withTempDir(async (dir) => {
    const { adapter, store, system, busy } = open(dir);
    system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']); // t1, t2
    await settle();
    busy(40);
    adapter.streams[0].exit(0); // t1 ends; t2 stays live
    busy(40);
    assert.ok(system.writeSnapshot());
    busy(20);
    assert.ok(system.writeSnapshot());
    busy(40); // more segments after the newest snapshot
    const before = [...store.read(0)];
    const newest = readdirSync(join(dir, 'log')).sort().at(-1)!;
    const newestBytes = readFileSync(join(dir, 'log', newest));
    const startBefore = ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store, config: { maxLiveSessions: 3 }, clock: (s) => new VirtualClock(s) });
    const policy = compactionPolicy(store, { days: 0, auditDays: 0 }, system.clock.now(), () => {})!;
    assert.is(policy.through, store.snapshots()[1].seq, 'the base is the second newest snapshot');
    const report = await store.compact(policy);
    const after = [...store.read(0)];
    const gone = before.filter((e) => !after.some((a) => a.seq === e.seq));
    assert.ok(gone.length > 30, `${gone.length} removed`);
    assert.is(report.removed, gone.length);
    for (const entry of gone) {
      assert.is(entry.type, 'session.activity');
      assert.is(sessionOf(entry), 't1', 'only the ended run');
      assert.ok(entry.seq <= policy.through);
    }
    assert.equal(after.filter((e) => e.seq > policy.through), before.filter((e) => e.seq > policy.through), 'nothing after the base');
    assert.ok(readFileSync(join(dir, 'log', newest)).equals(newestBytes), 'the newest segment, being appended to, is never touched');
    assert.equal(wholeTrail(after), wholeTrail(before), 'the audit trail read from the log is the same');
    const startAfter = ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store, config: { maxLiveSessions: 3 }, clock: (s) => new VirtualClock(s) });
    assert.is(startAfter.replayReport.divergence, undefined);
    assert.equal(json(startAfter.sessionList), json(startBefore.sessionList));
    assert.equal(json(startAfter.snapshots()), json(startBefore.snapshots()));
  }));

test('retention: sessions ended and quiet before the cutoff go, one audit record per run stays; recent ones and their requests stay', () =>
  withTempDir(async (dir) => {
    const { adapter, store, system, busy } = open(dir);
    system.exec(shellIn('web'), ['nginx']); // t1: two runs, then closed, all on day 0
    await settle();
    busy(10);
    adapter.last().exit(3);
    system.restart('t1');
    await settle();
    busy(10);
    adapter.last().exit(0);
    system.close('t1');
    system.exec(shellIn('web', 'all'), ['nginx', 'sidecar', 'a', 'b']); // refused: three at most
    system.batch({ argv: ['hostname'], requestedBy: 'carol', concurrency: 2 }, [0, 1].map((i) => ({ namespace: 'batch', pod: `w-${i}`, container: 'main' })), []); // t2, t3
    await settle();
    for (const stream of adapter.live()) stream.exit(0);
    system.exec(shellIn('db'), ['pg']); // t4: ended on day 0, restarted on day 95
    await settle();
    adapter.last().exit(1);
    system.clock.advanceBy(95 * DAY);
    system.restart('t4');
    await settle();
    busy(10);
    adapter.last().exit(0);
    system.exec(shellIn('web'), ['nginx']); // t5: recent
    await settle();
    busy(10);
    adapter.last().exit(0);
    assert.ok(system.writeSnapshot());
    system.clock.advanceBy(1000);
    system.close('t5');
    assert.ok(system.writeSnapshot());
    busy(200); // a new segment after the base, so every entry before it is in sealed ones
    system.exec(shellIn('web'), ['nginx']);
    await settle();
    busy(100);
    const before = [...store.read(0)];
    const policy = compactionPolicy(store, { days: 90, auditDays: 0 }, system.clock.now(), () => {})!;
    const report = await store.compact(policy);
    const after = [...store.read(0)];
    const kept = after.filter((e) => e.type === 'audit.record');
    assert.equal(
      kept.map((e) => (e.type === 'audit.record' ? [e.record.sessionId ?? e.record.requestId, e.record.run ?? null, e.record.outcome?.kind] : [])),
      [['t1', 1, 'exited'], ['t1', 2, 'exited'], ['r2', null, 'refused'], ['t2', 1, 'exited'], ['t3', 1, 'exited']],
    );
    assert.is(report.auditRecords, 5);
    for (const id of ['t1', 't2', 't3']) assert.not.ok(after.some((e) => sessionOf(e) === id), `${id} removed`);
    assert.not.ok(after.some((e) => e.type === 'batch.started' || e.type === 'batch.finished' || e.type === 'exec.refused'), 'the old batch and refusal removed');
    assert.ok(after.some((e) => e.type === 'session.spawned' && e.sessionId === 't4'), 't4 saw a restart within 90 days: kept whole');
    assert.ok(after.some((e) => e.type === 'session.spawned' && e.sessionId === 't5'), 't5 is recent: kept');
    assert.equal(after.filter((e) => e.type === 'exec.requested').map((e) => (e.type === 'exec.requested' ? e.sessionIds : [])), [['t4'], ['t5'], ['t6']]);
    assert.equal(wholeTrail(after), wholeTrail(before), 'the audit trail read from the log is the same');

    const dropRecords = compactionPolicy(store, { days: 90, auditDays: 30 }, system.clock.now(), () => {})!;
    await store.compact(dropRecords);
    assert.not.ok([...store.read(0)].some((e) => e.type === 'audit.record'), '--retain-audit removed the records of runs ended 95 days ago');
  }));

test('one compaction at a time: a lock held by a live process is respected, one left by a dead process is taken over', () =>
  withTempDir(async (dir) => {
    const { store, system, busy } = open(dir);
    system.exec(shellIn('web'), ['nginx']);
    await settle();
    busy(100);
    system.writeSnapshot();
    busy(1);
    system.writeSnapshot();
    const policy = compactionPolicy(store, { days: 0, auditDays: 0 }, system.clock.now(), () => {})!;
    writeFileSync(join(dir, 'log', 'compact.lock'), String(process.ppid));
    assert.equal(await store.compact(policy), { removed: 0, auditRecords: 0, rewritten: 0, busy: `another compaction is running (process ${process.ppid})` });
    const gone = spawnSync('true').pid!; // a process that has ended
    writeFileSync(join(dir, 'log', 'compact.lock'), String(gone));
    const report = await store.compact(policy);
    assert.is(report.busy, undefined);
    assert.not.ok(readdirSync(join(dir, 'log')).includes('compact.lock'), 'released');
  }));

test.run();

// Compaction and retention: what goes, what stays, and that nothing a start or an auditor needs
// is lost.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { auditRecords } from '../../src/events/audit-records.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { STALE_MS } from '../../src/events/files/file-lock.ts';
import { listSegments } from '../../src/events/files/layout.ts';
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
    const newest = listSegments(dir).at(-1)!.path;
    const newestBytes = readFileSync(newest);
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
    assert.ok(readFileSync(newest).equals(newestBytes), 'the newest segment, being appended to, is never touched');
    assert.equal(wholeTrail(after), wholeTrail(before), 'the audit trail read from the log is the same');
    const startAfter = ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store, config: { maxLiveSessions: 3 }, clock: (s) => new VirtualClock(s) });
    assert.is(startAfter.replayReport.divergence, undefined);
    assert.equal(json(startAfter.sessionList), json(startBefore.sessionList));
    assert.equal(json(startAfter.snapshots()), json(startBefore.snapshots()));
  }));

test('a compaction with nothing left to remove writes no file: segments that stay as they are are only read', () =>
  withTempDir(async (dir) => {
    const { adapter, system, busy } = open(dir);
    for (let i = 0; i < 3; i++) {
      system.exec(shellIn('web'), ['nginx']);
      await settle();
      busy(40);
      adapter.last().exit(0);
    }
    system.exec(shellIn('web'), ['nginx']); // live from here on
    await settle();
    assert.ok(system.writeSnapshot());
    busy(5);
    assert.ok(system.writeSnapshot());
    busy(40); // the snapshots' segments sealed
    const points: string[] = [];
    const store = new FileStore(dir, { checkpoint: (point) => points.push(point) });
    const policy = compactionPolicy(store, { days: 0, auditDays: 0 }, system.clock.now(), () => {})!;
    const first = await store.compact(policy);
    assert.ok(first.rewritten > 0 && first.removed > 0, 'the first one removes the activity of ended runs');
    assert.is(points.filter((p) => p === 'compaction half written').length, first.rewritten, 'a new file for each segment rewritten, and no other');
    points.length = 0;
    const bytes = listSegments(dir).map((segment) => readFileSync(segment.path));
    const again = await store.compact(policy);
    assert.equal([again.removed, again.rewritten], [0, 0]);
    assert.equal(points, [], 'not a temporary file begun');
    assert.equal(listSegments(dir).map((segment) => readFileSync(segment.path)), bytes);
  }));

test('a compaction that removes nothing leaves the log as uncompacted as it was: a start needs no newer snapshot than before', () =>
  withTempDir(async (dir) => {
    const { system, busy } = open(dir);
    system.exec(shellIn('web'), ['nginx']); // live throughout: its activity stays
    await settle();
    busy(40);
    assert.ok(system.writeSnapshot());
    busy(5);
    assert.ok(system.writeSnapshot());
    busy(40);
    const store = new FileStore(dir);
    const policy = compactionPolicy(store, { days: 0, auditDays: 0 }, system.clock.now(), () => {})!;
    assert.ok(policy.through > 0);
    const report = await store.compact(policy);
    assert.equal([report.removed, report.rewritten], [0, 0]);
    assert.is(store.compactedThrough(), 0, 'not marked: losing the snapshots still leaves a log a server starts from');
  }));

test('retention: closed sessions quiet before the cutoff go, one audit record per run and the close stay; recent ones, ended ones never closed, and their requests stay', () =>
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
    assert.equal(system.closeAllEnded(), ['t2', 't3']);
    system.exec(shellIn('db'), ['pg']); // t4: ended on day 0, restarted on day 95
    await settle();
    adapter.last().exit(1);
    system.exec(shellIn('db'), ['pg']); // t5: ended on day 0, never closed: still listed, so kept
    await settle();
    adapter.last().exit(2);
    system.clock.advanceBy(95 * DAY);
    system.restart('t4');
    await settle();
    busy(10);
    adapter.last().exit(0);
    system.exec(shellIn('web'), ['nginx']); // t6: recent
    await settle();
    busy(10);
    adapter.last().exit(0);
    assert.ok(system.writeSnapshot());
    system.clock.advanceBy(1000);
    system.close('t6');
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
    for (const id of ['t1', 't2', 't3']) assert.equal(after.filter((e) => sessionOf(e) === id).map((e) => e.type), ['session.closed'], `${id} removed but for its close`);
    assert.not.ok(after.some((e) => e.type === 'batch.started' || e.type === 'batch.finished' || e.type === 'exec.refused'), 'the old batch and refusal removed');
    assert.ok(after.some((e) => e.type === 'session.spawned' && e.sessionId === 't4'), 't4 saw a restart within 90 days: kept whole');
    assert.equal(before.filter((e) => sessionOf(e) === 't5' && e.type !== 'session.activity'), after.filter((e) => sessionOf(e) === 't5'), 't5 ended long ago but was never closed: kept (but for its activity)');
    assert.ok(after.some((e) => e.type === 'session.spawned' && e.sessionId === 't6'), 't6 is recent: kept');
    assert.equal(after.filter((e) => e.type === 'exec.requested').map((e) => (e.type === 'exec.requested' ? e.sessionIds : [])), [['t4'], ['t5'], ['t6'], ['t7']]);
    assert.equal(wholeTrail(after), wholeTrail(before), 'the audit trail read from the log is the same');

    const dropRecords = compactionPolicy(store, { days: 90, auditDays: 30 }, system.clock.now(), () => {})!;
    await store.compact(dropRecords);
    const left = [...store.read(0)];
    assert.not.ok(left.some((e) => e.type === 'audit.record'), '--retain-audit removed the records of runs ended 95 days ago');
    assert.not.ok(left.some((e) => ['t1', 't2', 't3'].includes(sessionOf(e)!)), 'and the closes of their sessions');
  }));

test('an ended session never closed is not expired: restarted after the retention age, every run of it stays in log export', () =>
  withTempDir(async (dir) => {
    const { adapter, store, system, busy } = open(dir);
    const compact = async () => {
      for (let i = 0; i < 2; i++) {
        system.exec(shellIn('web'), ['nginx']);
        await settle();
        busy(60); // a segment or more of other entries, so what came before is sealed
        adapter.last().exit(0);
        system.close(system.sessionList.order.at(-1)!);
        assert.ok(system.writeSnapshot());
      }
      busy(1);
      const policy = compactionPolicy(store, { days: 90, auditDays: 0 }, system.clock.now(), () => {})!;
      return { policy, report: await store.compact(policy) };
    };
    system.exec(shellIn('db'), ['pg']); // t1, left on screen after it ended
    await settle();
    adapter.last().exit(0);
    system.clock.advanceBy(100 * DAY);
    await compact();
    assert.ok([...store.read(0)].some((e) => e.type === 'session.spawned' && e.sessionId === 't1'), 'still listed: not expired');
    assert.equal(system.restart('t1'), { run: 2 });
    await settle();
    adapter.last().exit(7);
    const exited = system.entries().at(-1)!;
    const { policy, report } = await compact();
    assert.ok(policy.through > exited.seq && report.rewritten > 0, 'the restarted run was in what the compaction went through');
    const runs = [...auditRecords(store.read(0))].filter((r) => r.sessionId === 't1');
    assert.equal(runs.map((r) => [r.run, r.argv, r.outcome]), [
      [1, ['bash'], { kind: 'exited', code: 0 }],
      [2, ['bash'], { kind: 'exited', code: 7 }],
    ]);
    assert.equal(runs, system.auditTrail.records.filter((r) => r.sessionId === 't1'), 'the log says what the server says');
  }));

test('a log compacted by an earlier build (a session never closed, its runs kept as audit records): a later restart is a run of its own', () => {
  const record = { requestId: 'r1', sessionId: 't1', run: 1, who: 'tester', target: { namespace: 'default', pod: 'db', container: 'pg' }, argv: ['bash'], interactive: true, startedAt: 1, endedAt: 2, outcome: { kind: 'exited' as const, code: 0 } };
  const log: LogEntry[] = [
    { seq: 1, time: 1, type: 'audit.record', record },
    { seq: 5, time: 50, type: 'session.restarted', sessionId: 't1', run: 2 },
    { seq: 6, time: 50, type: 'session.connecting', sessionId: 't1', run: 2, argv: ['sh'] },
    { seq: 7, time: 60, type: 'session.exited', sessionId: 't1', code: 7 },
  ];
  assert.equal([...auditRecords(log)], [record, { ...record, run: 2, argv: ['sh'], startedAt: 50, endedAt: 60, outcome: { kind: 'exited', code: 7 } }]);
});

test('one compaction at a time: a lock held by a live process is respected, one left by a dead process is taken over (an earlier build\'s, which does not say where its pid was given, once a minute old)', () =>
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
    const longAgo = new Date(Date.now() - STALE_MS - 1000);
    utimesSync(join(dir, 'log', 'compact.lock'), longAgo, longAgo);
    const report = await store.compact(policy);
    assert.is(report.busy, undefined);
    assert.not.ok(readdirSync(join(dir, 'log')).includes('compact.lock'), 'released');
  }));

test.run();

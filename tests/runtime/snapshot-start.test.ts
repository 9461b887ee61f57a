// A start is "newest usable snapshot + the entries after it": what it reads, what it skips (and
// says so, naming the file), and what it does when nothing usable is left.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { copyFileSync, cpSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { auditRecords } from '../../src/events/audit-records.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { listSegments } from '../../src/events/files/layout.ts';
import { project } from '../../src/events/projection.ts';
import { auditTrailProjection } from '../../src/events/projections/audit-trail.ts';
import { sessionListProjection } from '../../src/events/projections/session-list.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { isRunning } from '../../src/protocol/terminal-states.ts';

const test = suite('start: snapshot + tail');

/** A state directory with three snapshots, and two sessions live at the end (the process is killed there). */
async function history(dir: string, store = new FileStore(dir)) {
  const { system, adapter, clock } = makeSystem({ store, script: (s) => void s.open() });
  for (let round = 0; round < 3; round++) {
    system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
    await settle();
    for (let i = 0; i < 5; i++) {
      clock.advanceBy(20_000);
      adapter.live()[0]?.stdout('x');
    }
    adapter.live()[0].exit(round);
    assert.ok(system.writeSnapshot(), `snapshot ${round + 1} written`);
  }
  system.resize('t6', 100, 30);
  clock.advanceBy(1_000);
  const rows = system.sessionList;
  const live = rows.order.filter((id) => isRunning(rows.byId[id].state));
  return { sessions: [...rows.order], live, lastSeq: system.entries().at(-1)!.seq };
}

const snapshotFiles = (dir: string) => readdirSync(join(dir, 'snapshots')).sort().reverse(); // newest first

test('a start reads the newest snapshot and only the entries after it', () =>
  withTempDir(async (dir) => {
    const { sessions, live, lastSeq } = await history(dir);
    assert.equal(live, ['t4', 't5', 't6']);
    const newest = snapshotFiles(dir)[0];
    const warnings: string[] = [];
    const { system } = makeSystem({ store: new FileStore(dir), warnings });
    assert.equal(warnings, []);
    assert.equal(system.replayReport.snapshot, { name: `snapshots/${newest}`, seq: Number(/\d+/.exec(newest)![0]) });
    assert.ok(system.replayReport.entries < 5, `${system.replayReport.entries} entries replayed`);
    assert.equal(system.sessionList.order, sessions);
    for (const id of live) assert.equal([system.sessionList.byId[id].state, system.sessionList.byId[id].disconnectReason], ['disconnected', 'restarted'], id);
    assert.equal(system.sessionList.byId.t6.size, { cols: 100, rows: 30 }, 'the resize after the snapshot was replayed');
    assert.equal(system.entries(lastSeq).map((e) => e.seq), [lastSeq + 1, lastSeq + 2, lastSeq + 3], 'the restart disconnected the live sessions, with the next seqs');
  }));

test('a start does not read the log before its snapshot: it begins where the snapshot says the next entry is', () =>
  withTempDir(async (dir) => {
    await history(dir);
    const [first] = listSegments(dir);
    const segment = first.path;
    const bytes = readFileSync(segment);
    bytes.fill(0x23, 0, bytes.indexOf(10)); // the first line, overwritten in place with '#'s
    writeFileSync(segment, bytes);
    const warnings: string[] = [];
    const { system } = makeSystem({ store: new FileStore(dir), warnings });
    assert.equal(warnings, [], 'the damaged first line was never read');
    assert.ok(system.replayReport.snapshot);
    const damage: string[] = [];
    for (const _ of new FileStore(dir).read(0, (d) => damage.push(`${d.file} line ${d.line}`)));
    assert.equal(damage, [`${first.name} line 1`], 'a whole read does see it');
  }));

test('damaged, truncated and unknown-format snapshots are skipped, each named, and the next one used', () =>
  withTempDir(async (dir) => {
    const { sessions } = await history(dir);
    const [newest, middle, oldest] = snapshotFiles(dir).map((name) => join(dir, 'snapshots', name));
    const flipped = readFileSync(newest);
    flipped[flipped.length - 10] ^= 0x20;
    writeFileSync(newest, flipped);
    truncateSync(middle, readFileSync(middle).length - 100);
    const warnings: string[] = [];
    const { system } = makeSystem({ store: new FileStore(dir), warnings });
    assert.is(warnings.length, 2);
    assert.is(warnings[0], `snapshots/${newest.split('/').pop()} skipped: damaged: its checksum does not match`);
    assert.ok(warnings[1].startsWith(`snapshots/${middle.split('/').pop()} skipped: truncated: `), warnings[1]);
    assert.match(warnings[1], /truncated: \d+ of \d+ bytes$/);
    assert.is(system.replayReport.snapshot?.name, `snapshots/${oldest.split('/').pop()}`);
    assert.equal(system.sessionList.order, sessions);
    assert.is(system.replayReport.divergence, undefined);
  }));

test('a snapshot in a format this version does not read is skipped with a warning saying so', () =>
  withTempDir(async (dir) => {
    await history(dir);
    const newest = join(dir, 'snapshots', snapshotFiles(dir)[0]);
    const text = readFileSync(newest, 'utf8');
    writeFileSync(newest, text.replace('"format":1,', '"format":99,'));
    const warnings: string[] = [];
    const { system } = makeSystem({ store: new FileStore(dir), warnings });
    assert.equal(warnings, [`snapshots/${snapshotFiles(dir)[0]} skipped: it is in format 99, and this octant-exec reads format 1`]);
    assert.is(system.replayReport.snapshot?.name, `snapshots/${snapshotFiles(dir)[1]}`);
  }));

test('a whole snapshot whose actors cannot be restored (a state the machine does not know) is skipped too', () =>
  withTempDir(async (dir) => {
    await history(dir);
    const store = new FileStore(dir);
    const newest = store.snapshots()[0].load();
    const state = newest.state as { supervisor: { children: Record<string, { snapshot: { value: unknown } }> } };
    state.supervisor.children.t1.snapshot.value = 'somewhere new';
    store.putSnapshot(newest);
    const warnings: string[] = [];
    const { system } = makeSystem({ store: new FileStore(dir), warnings });
    assert.is(warnings.length, 1);
    assert.match(warnings[0], /^snapshots\/snapshot-\d{12}\.json skipped: its actors cannot be restored \(.+\)$/);
    assert.is(system.replayReport.snapshot?.name, `snapshots/${snapshotFiles(dir)[1]}`);
  }));

test('with no usable snapshot an uncompacted log is replayed whole: the same sessions, nothing lost', () =>
  withTempDir(async (dir) => {
    const { sessions } = await history(dir);
    for (const name of snapshotFiles(dir)) writeFileSync(join(dir, 'snapshots', name), 'garbage');
    const warnings: string[] = [];
    const { system } = makeSystem({ store: new FileStore(dir), warnings });
    assert.is(warnings.length, 3);
    for (const warning of warnings) assert.match(warning, /^snapshots\/snapshot-\d{12}\.json skipped: /);
    assert.is(system.replayReport.snapshot, undefined);
    assert.equal(system.sessionList.order, sessions);
    assert.is(system.replayReport.divergence, undefined);
  }));

test('a compacted log with no usable snapshot is not opened: one sentence says why and what to do', () =>
  withTempDir(async (dir) => {
    await history(dir, new FileStore(dir, { segmentBytes: 1024 })); // small segments: older ones are sealed, so compaction can rewrite them
    const through = Number(/\d+/.exec(snapshotFiles(dir)[1])![0]);
    const report = await new FileStore(dir).compact({ through });
    assert.ok(report.removed > 0, 'the ended runs\' activity went: only now does a start need a snapshot at or after it');
    for (const name of snapshotFiles(dir)) writeFileSync(join(dir, 'snapshots', name), 'garbage');
    const warnings: string[] = [];
    assert.throws(
      () => makeSystem({ store: new FileStore(dir), warnings }),
      (error: Error) => new RegExp(`compacted through entry ${through}, and no snapshot at or after it can be read .*restore the snapshots from a backup.*Nothing was changed\\.$`).test(error.message) && !error.message.includes('\n'),
    );
    assert.is(warnings.length, 3, 'each snapshot was named first');
  }));

test('a snapshot ahead of the log (snapshots/ copied after log/ while the server ran) is skipped, and so is one whose last entry the log has under its seq but not as it was', () =>
  withTempDir(async (dir) => {
    const [live, copy, second] = [join(dir, 'live'), join(dir, 'copy'), join(dir, 'second')];
    const { system, adapter } = makeSystem({ store: new FileStore(live), script: (s) => void s.open() });
    const session = async (who: string) => {
      system.exec({ ...shellIn('web'), requestedBy: who }, ['nginx']);
      await settle();
      adapter.last().exit(0);
      assert.ok(system.writeSnapshot());
    };
    await session('alice');
    cpSync(join(live, 'log'), join(copy, 'log'), { recursive: true }); // a backup copies log/ …
    await session('mallory'); // … the server goes on …
    cpSync(join(live, 'snapshots'), join(copy, 'snapshots'), { recursive: true }); // … then snapshots/
    cpSync(copy, second, { recursive: true });
    const [ahead, older] = snapshotFiles(copy);
    const aheadSeq = Number(/\d+/.exec(ahead)![0]);
    const warnings: string[] = [];
    const restored = makeSystem({ store: new FileStore(copy), warnings, script: (s) => void s.open() });
    const skipped = `snapshots/${ahead} skipped: its last entry (seq ${aheadSeq}) is not in the log: it is ahead of it, from another copy (was snapshots/ copied after log/?)`;
    assert.equal(warnings, [skipped]);
    assert.is(restored.system.replayReport.snapshot?.name, `snapshots/${older}`);
    const logged = () => [...new FileStore(copy).read(0)];
    assert.equal(restored.system.sessionList, project(sessionListProjection, logged()), 'the state is what the log holds: no mallory');
    for (let i = 0; i < 4; i++) restored.system.exec({ ...shellIn('web'), requestedBy: 'bob' }, ['nginx']); // the log goes on past the ahead snapshot's seq, with other entries
    await settle();
    const seqs = logged().map((e) => e.seq);
    assert.ok(seqs.at(-1)! > aheadSeq);
    assert.equal(seqs, seqs.map((_, i) => i + 1), 'no gap in the log');
    assert.equal([...auditRecords(logged())].map((r) => r.sessionId), restored.system.sessionList.order, 'the log export has every session the state has');

    warnings.length = 0;
    const again = makeSystem({ store: new FileStore(copy), warnings }); // after a crash: the log has that seq now, as another entry
    assert.equal(warnings, [skipped]);
    assert.is(again.system.replayReport.snapshot?.name, `snapshots/${older}`);
    assert.is(again.system.replayReport.divergence, undefined);

    // A writer that takes a snapshot below it lets it go: it would count among the newest, and push this log's own out.
    warnings.length = 0;
    const other = makeSystem({ store: new FileStore(second, { warn: (w) => warnings.push(w) }), warnings });
    other.system.exec(shellIn('web'), ['nginx']);
    assert.ok(other.system.writeSnapshot());
    const at = Number(/\d+/.exec(snapshotFiles(second)[0])![0]);
    assert.ok(at < aheadSeq);
    assert.equal(warnings, [skipped, `snapshots/${ahead} removed: it covered entries up to ${aheadSeq}, and this log is at ${at} (a snapshot of another copy of the log)`]);
    assert.not.ok(snapshotFiles(second).includes(ahead));
  }));

test('a 0.1.0 state directory opens with every session listed, live ones disconnected, and the next start needs no replay', () =>
  withTempDir(async (dir) => {
    const fixture = new URL('../events/fixtures/v0.1.0-events.jsonl', import.meta.url);
    copyFileSync(fixture, join(dir, 'events.jsonl'));
    const logged = readFileSync(fixture, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const then = project(sessionListProjection, logged);
    const warnings: string[] = [];
    // as the 0.1.0 server that wrote it ran: --max-sessions 6 (it refused an exec action), on its own clock
    const open = () => ({ system: ExecSystem.open({ adapter: new FakeExecAdapter(), store: new FileStore(dir), config: { maxLiveSessions: 6 }, clock: (start) => new VirtualClock(start), warn: (w) => warnings.push(w) }) });
    const first = open();
    assert.equal(warnings, []);
    assert.is(first.system.replayReport.divergence, undefined, 'the old log replays exactly: its one-a-second activity too');
    assert.equal(first.system.sessionList.order, then.order);
    for (const id of then.order) {
      const live = isRunning(then.byId[id].state);
      assert.is(first.system.sessionList.byId[id].state, live ? 'disconnected' : then.byId[id].state, id);
    }
    assert.equal(
      first.system.auditTrail.records.map((r) => [r.requestId, r.sessionId, r.run]),
      project(auditTrailProjection, logged).records.map((r) => [r.requestId, r.sessionId, r.run]),
      'every run of the old log is in the audit trail',
    );
    first.system.shutdown();
    const second = open();
    assert.equal(warnings, []);
    assert.ok(second.system.replayReport.snapshot, 'the shutdown wrote a snapshot');
    assert.is(second.system.replayReport.entries, 0);
    assert.equal(JSON.parse(JSON.stringify(second.system.sessionList)), JSON.parse(JSON.stringify(first.system.sessionList)));
    assert.equal(readdirSync(join(dir, 'log')), ['events-000000000001.jsonl']);
    assert.ok(readFileSync(join(dir, 'log', 'events-000000000001.jsonl'), 'utf8').startsWith(readFileSync(fixture, 'utf8')), 'the old log is kept byte for byte');
  }));

test.run();

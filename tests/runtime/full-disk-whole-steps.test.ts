// A disk that fills in the middle of a step of the actors (an input and the facts it caused: an
// exec's request, its terminal spawned and connecting; a stream's end and the batch's next
// terminal) must not split it: the log ends between two steps, and what waits in memory is whole
// steps. Split, a stop lost the step's rest, and the next start derived it again without
// logging it: machines holding a terminal the log never spawned, "replay diverged" at every start.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileStore } from '../../src/events/file-store.ts';
import type { CompactionPolicy } from '../../src/events/compaction-rules.ts';
import type { LogDamage, LogEntry } from '../../src/events/log-entry.ts';
import type { EventStore, Snapshot } from '../../src/events/store.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { settle, shellIn, t0 } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('a full disk in the middle of a step');

/** A state directory's log on a disk with room for `lines` more lines (Infinity: room enough); a write that does not fit throws, writing nothing. */
class FillingDisk implements EventStore {
  lines = Infinity;
  readonly files: FileStore;

  constructor(dir: string) {
    this.files = new FileStore(dir);
  }

  append(entry: LogEntry): void {
    this.appendAll([entry]);
  }

  appendAll(entries: readonly LogEntry[]): void {
    if (entries.length > this.lines) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    this.lines -= entries.length;
    for (const entry of entries) this.files.append(entry); // room for each: this stands for one write
  }

  read(after: number, onDamage?: (damage: LogDamage) => void): Iterable<LogEntry> {
    return this.files.read(after, onDamage);
  }
  putSnapshot(snapshot: Snapshot): void {
    this.files.putSnapshot(snapshot);
  }
  snapshots() {
    return this.files.snapshots();
  }
  compactedThrough(): number {
    return this.files.compactedThrough();
  }
  compact(policy: CompactionPolicy) {
    return this.files.compact(policy);
  }
  close(): void {
    this.files.close();
  }
}

function open(store: EventStore, warnings: string[], at: number) {
  const adapter = new FakeExecAdapter((stream) => void stream.open());
  const system = ExecSystem.open({ adapter, store, clock: (start) => new VirtualClock(Math.max(start, at)), warn: (w) => void warnings.push(w), snapshots: false });
  return { system, adapter };
}

/** Every session the log names was spawned in it, and the next start replays it exactly, holding only what the log lists. */
async function startsWhole(dir: string, at: number): Promise<{ system: ExecSystem; log: LogEntry[] }> {
  const warnings: string[] = [];
  const { system } = open(new FileStore(dir), warnings, at);
  await settle();
  assert.equal(warnings.filter((w) => /diverged/.test(w)), [], 'the start replays the log exactly');
  const log = system.entries(0);
  const spawned = new Set(log.flatMap((e) => (e.type === 'session.spawned' ? [e.sessionId] : [])));
  const named = new Set(log.flatMap((e) => ('sessionId' in e ? [e.sessionId] : [])));
  assert.equal([...named].filter((id) => !spawned.has(id)), [], 'no entry of a session the log never spawned');
  assert.equal(Object.keys(system.snapshots().terminals ?? {}).filter((id) => !spawned.has(id)), [], 'no terminal the log never spawned');
  assert.equal(system.sessionList.order.filter((id) => !spawned.has(id)), []);
  return { system, log };
}

test('an exec whose request fits and whose terminal does not: none of it is written, a stop loses it whole, the next start holds nothing the log does not say', () =>
  withTempDir(async (dir) => {
    const disk = new FillingDisk(dir);
    const warnings: string[] = [];
    const { system } = open(disk, warnings, t0);
    system.exec(shellIn('db'), ['postgres']); // t1, written
    await settle();
    disk.lines = 1; // room for the request's line, not for its terminal's
    system.exec(shellIn('web'), ['nginx']); // t2
    await settle();
    assert.ok(system.alerts.list.some((a) => a.kind === 'storage'), 'the storage alert');
    assert.is(system.sessionList.byId.t2?.state, 'interactive', 'the terminal runs on meanwhile');
    const written = [...new FileStore(dir).read(0)];
    assert.not.ok(written.some((e) => e.type === 'exec.requested' && e.requestId === 'r2'), 'the request is not written without its terminal');
    const waiting = system.entries(0).filter((e) => e.seq > (written.at(-1)?.seq ?? 0));
    assert.equal(waiting.slice(0, 3).map((e) => e.type), ['exec.requested', 'session.spawned', 'session.connecting'], 'what waits begins with the whole step');
    await system.shutdown(); // the disk still full: what waits is lost, whole
    disk.close();

    const { system: again, log } = await startsWhole(dir, t0 + 60_000);
    assert.equal(again.sessionList.order, ['t1']);
    assert.is(again.restart('t2'), undefined, 'no t2 to restart: the log never had it');
    assert.ok(log.every((e) => !('sessionId' in e) || e.sessionId === 't1'));
    await again.shutdown();
  }));

test("a stream's step (a batch terminal's end and the next one started) is written whole or not at all", () =>
  withTempDir(async (dir) => {
    const disk = new FillingDisk(dir);
    const { system, adapter } = open(disk, [], t0);
    const targets = ['w-0', 'w-1'].map((pod) => ({ namespace: 'batch', pod, container: 'main' }));
    system.batch({ argv: ['true'], requestedBy: 'carol', concurrency: 1 }, targets, []);
    await settle();
    disk.lines = 1; // room for the end of t1, not for t2's start
    adapter.last().exit(0); // not a command: the step is over with this turn of the event loop
    await settle();
    assert.is(system.sessionList.byId.t2?.state, 'interactive', 'the next target runs');
    const written = [...new FileStore(dir).read(0)];
    assert.not.ok(written.some((e) => e.type === 'session.exited'), "t1's end is not written without t2's start");
    await system.shutdown();
    disk.close();

    const { system: again } = await startsWhole(dir, t0 + 60_000);
    assert.equal(again.sessionList.order, ['t1']);
    await again.shutdown();
  }));

test('once there is room, the steps that waited are written whole and in order, and a start replays them exactly', () =>
  withTempDir(async (dir) => {
    const disk = new FillingDisk(dir);
    const { system, adapter } = open(disk, [], t0);
    disk.lines = 2;
    for (const pod of ['a', 'b', 'c']) {
      system.exec(shellIn(pod), ['main']);
      await settle();
    }
    adapter.last().exit(3);
    await settle();
    disk.lines = Infinity;
    system.exec(shellIn('d'), ['main']); // written with what waited
    await settle();
    assert.not.ok(system.alerts.list.some((a) => a.kind === 'storage'), 'written again');
    const shown = system.entries(0);
    await system.shutdown();
    disk.close();

    const { system: again, log } = await startsWhole(dir, t0 + 60_000);
    assert.equal(log.slice(0, shown.length), shown, 'what was shown is what was written');
    assert.equal(again.sessionList.order, ['t1', 't2', 't3', 't4']);
    await again.shutdown();
  }));

test.run();

// A full disk under the event log, for real: a 1 MiB tmpfs filled to the last byte. The
// terminals keep running, an alert and stderr say what is wrong, entries wait in memory in order
// and are written once there is room; a snapshot is never half written. (Needs root for mount,
// as CI has; without it the test fails, it does not skip.)
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileStore } from '../../src/events/file-store.ts';
import type { LogDamage, LogEntry } from '../../src/events/log-entry.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { settle, shellIn } from '../support/system.ts';
import { fill, onTinyDisk } from '../support/tiny-disk.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('event log: a full disk');

test('appending on a full disk: terminals run on, alert and stderr say so, entries wait and are written in order once there is room', () =>
  onTinyDisk(async (dir) => {
    const state = join(dir, 'state');
    const warnings: string[] = [];
    const adapter = new FakeExecAdapter((s) => void s.open());
    const system = ExecSystem.open({ adapter, store: new FileStore(state), clock: () => new VirtualClock(Date.UTC(2026, 0, 1)), warn: (w) => warnings.push(w), snapshots: false });
    system.exec(shellIn('web'), ['nginx']);
    await settle();
    const filler = fill(dir);
    for (let i = 0; i < 100; i++) {
      system.clock.advanceBy(70_000); // idle, then active again: a few entries each time, more than the last page holds
      adapter.last().stdout('x');
    }
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /^the event log cannot be written \(.*ENOSPC.*\): terminals keep running; entries wait in memory and are tried again every 5 s$/);
    const alert = system.alerts.list.find((a) => a.kind === 'storage');
    assert.ok(alert, 'a storage alert');
    assert.match(alert!.message, /cannot be written .*Terminals keep running/);
    assert.is(system.sessionList.byId.t1.state, 'interactive', 'the terminal runs on');
    assert.ok(system.io.input('t1', new Uint8Array([65])), 'and takes input');
    assert.not.ok(system.writeSnapshot(), 'no snapshot while entries wait');
    const waiting = system.entries(0).map((e) => e.seq);
    assert.equal(waiting, Array.from({ length: waiting.length }, (_, i) => i + 1), 'what is shown is whole and in order');

    for (const path of filler.slice(0, 16)) rmSync(path);
    await waitFor(() => !system.alerts.list.some((a) => a.kind === 'storage'), 'the retry to write what waited', 15_000);
    assert.match(warnings.at(-1)!, /^the event log is written again/);
    const damage: LogDamage[] = [];
    const written = [...new FileStore(state).read(0, (d) => damage.push(d))].map((e) => e.seq);
    assert.equal(damage, [], 'no half line was left by a refused write');
    assert.equal(written, waiting);
    system.shutdown();
    const again = ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store: new FileStore(state), clock: (t) => new VirtualClock(t), fromSnapshot: false });
    assert.is(again.replayReport.divergence, undefined);
  }));

test('a snapshot on a full disk is never half written: it is skipped, said, and tried again later', () =>
  onTinyDisk(async (dir) => {
    const state = join(dir, 'state');
    const warnings: string[] = [];
    const adapter = new FakeExecAdapter((s) => void s.open());
    const store = new FileStore(state);
    const system = ExecSystem.open({ adapter, store, clock: () => new VirtualClock(Date.UTC(2026, 0, 1)), warn: (w) => warnings.push(w), snapshots: false });
    for (let i = 0; i < 40; i++) system.exec({ ...shellIn('web'), requestedBy: `someone-with-a-long-name-${'x'.repeat(200)}-${i}` }, ['nginx']);
    await settle();
    assert.ok(system.writeSnapshot(), 'a first snapshot while there is room');
    system.clock.advanceBy(1_000);
    adapter.last().exit(0);
    const filler = fill(dir);
    rmSync(filler.pop()!); // room for log lines, not for a snapshot
    assert.not.ok(system.writeSnapshot());
    assert.match(warnings.at(-1)!, /^no snapshot written \(.*ENOSPC.*\): the log is whole, and a snapshot is tried again in 5 s$/);
    assert.equal(readdirSync(join(state, 'snapshots')).length, 1, 'no half snapshot, not even a temporary file');
    assert.is(store.snapshots()[0].load().seq, store.snapshots()[0].seq, 'the earlier snapshot is whole');
    for (const path of filler) rmSync(path);
    assert.ok(system.writeSnapshot(), 'written once there is room');
    system.shutdown();
  }));

test('a torn last line and a disk still full at the next start: the next entry is never glued onto the torn bytes', () =>
  onTinyDisk(async (dir) => {
    const state = join(dir, 'state');
    mkdirSync(join(state, 'log'), { recursive: true });
    const line = (seq: number) => JSON.stringify({ type: 'session.idle', sessionId: 't1', seq, time: 1000 + seq }) + '\n';
    let text = '';
    let seq = 0;
    while (text.length + line(seq + 1).length < 4096 - 40) text += line(++seq);
    const torn = JSON.stringify({ type: 'session.idle', sessionId: 't1', pad: 'x'.repeat(200), seq: seq + 1, time: 1000 }) + '\n';
    text += torn.slice(0, 4096 - text.length); // torn by a power cut, exactly at a page's end: its '\n' needs a new page
    writeFileSync(join(state, 'log', 'events-000000000001.jsonl'), text);
    const filler = fill(dir);
    const store = new FileStore(state);
    const next = (at: number): LogEntry => ({ type: 'session.active', sessionId: 't1', seq: at, time: 1000 + at });
    assert.throws(() => store.append(next(seq + 1)), (error: NodeJS.ErrnoException) => error.code === 'ENOSPC', 'the disk is full'); // Deno words the message its own way
    for (const path of filler.slice(0, 8)) rmSync(path);
    store.append(next(seq + 1)); // the log writer tries again once there is room
    store.append(next(seq + 2));
    store.close();
    const damage: LogDamage[] = [];
    const read = [...new FileStore(state).read(seq - 1, (d) => damage.push(d))];
    assert.equal(read.map((e) => [e.seq, e.type]), [[seq, 'session.idle'], [seq + 1, 'session.active'], [seq + 2, 'session.active']]);
    assert.equal(damage.map((d) => [d.line, d.problem]), [[seq + 1, 'not JSON (a torn or corrupt line)']], 'the torn line alone, on its own');
  }));

test.run();

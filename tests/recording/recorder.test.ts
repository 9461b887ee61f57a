// The recorder on the actor core (fake cluster, memory log, virtual clock): which runs it records
// under each policy, o/r/i events from the data plane and the log's resizes, the facts it logs
// (and that a replay derives again), the limit, a restart's new file, and retention's removal of
// old files while the ones being written stay.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { RecordingPolicy } from '../../src/protocol/http.ts';
import { Recorder } from '../../src/recording/recorder.ts';
import { FileRecordings } from '../../src/recording/file-recordings.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait.ts';

function recorded(dir: string, policy: Partial<RecordingPolicy> = {}) {
  const warnings: string[] = [];
  const made = makeSystem();
  const recorder = new Recorder(made.system, new FileRecordings(dir), { mode: 'all', input: false, maxBytes: 1 << 20, ...policy }, (w) => warnings.push(w), () => made.system.clock.now());
  return { ...made, recorder, warnings };
}

const castOf = (dir: string, name: string) => {
  const bytes = readFileSync(join(dir, name));
  return (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString().trimEnd().split('\n').map((line) => JSON.parse(line));
};

test('--record all: a terminal is recorded from its first byte, resizes and output in order; keystrokes only with --record-input', () =>
  withTempDir(async (dir) => {
    for (const input of [false, true]) {
      const folder = join(dir, String(input));
      const { system, adapter, recorder } = recorded(folder, { input });
      const [id] = (system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds;
      const opened = Date.now();
      const stream = adapter.last().open();
      stream.stdout('$ '); // its first byte: the recording begins, timed from the stream's opening
      await settle();
      const begun = Date.now();
      system.clock.advanceBy(1500);
      system.io.input(id, new TextEncoder().encode('top\r'));
      system.resize(id, 120, 40);
      stream.stdout('\x1b[?1049hTOP');
      stream.exit(0);
      await recorder.close();
      const [name] = readdirSync(folder);
      assert.match(name, /^t1-run1-\d+\.cast\.gz$/);
      const [header, ...events] = castOf(folder, name);
      assert.equal([header.width, header.height], [80, 24]);
      // the header's time and the name's are the wall clock's, whatever the recorder's own clock says (it misses a machine's sleep)
      const named = Number(/-(\d+)\.cast/.exec(name)![1]);
      assert.ok(named >= opened && named <= begun, `the name's time ${named} is when it opened (${opened}–${begun})`);
      assert.is(header.timestamp, Math.floor(named / 1000));
      assert.equal(events, [[0, 'o', '$ '], ...(input ? [[1.5, 'i', 'top\r']] : []), [1.5, 'r', '120x40'], [1.5, 'o', '\x1b[?1049hTOP']]);
      const facts = system.entries().filter((e) => e.type.startsWith('recording.'));
      assert.equal(facts.map((f) => f.type), ['recording.started', 'recording.stopped']);
      const { bytes, ...link } = system.auditTrail.records[0].recording!;
      assert.equal(link, { file: name.replace(/\.gz$/, ''), ...(input ? { input: true } : {}), stopped: 'ended' });
      assert.is(bytes, gunzipSync(readFileSync(join(folder, name))).length, 'the size the log gives is the file as written');
      await system.shutdown();
    }
  }));

test('opt-in: only what is asked for, each run in its own file; a command without a terminal never; off: refused', () =>
  withTempDir(async (dir) => {
    const { system, adapter, recorder } = recorded(dir, { mode: 'opt-in' });
    const [plain] = (system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds;
    adapter.last().open().stdout('not recorded');
    const [wanted] = (system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds;
    assert.is(recorder.set(wanted, true), undefined);
    adapter.last().open().stdout('run one');
    const [command] = (system.exec(shellIn('web', ['nginx'], { command: { argv: ['date'] }, interactive: false }), ['nginx']) as { sessionIds: string[] }).sessionIds;
    recorder.set(command, true);
    adapter.last().open().stdout('no terminal');
    await settle(); // output reaches the recorder a batch at a time; a recording begins with its first byte
    assert.equal([plain, wanted, command].map((id) => recorder.recording(id)), [false, true, false]);
    adapter.streams[1].exit(0); // the recorded terminal's first run ends
    assert.equal(system.restart(wanted), { run: 2 });
    adapter.last().open().stdout('run two');
    await settle();
    assert.equal(system.sessionList.byId[wanted].recording, { run: 2, on: true });
    assert.is(recorder.set(wanted, false), undefined);
    await recorder.close();
    const files = readdirSync(dir).sort();
    assert.equal(files.map((f) => f.replace(/-\d+\.cast\.gz$/, '')), [`${wanted}-run1`, `${wanted}-run2`]);
    assert.equal(files.map((f) => castOf(dir, f).slice(1).map((e) => e[2]).join('')), ['run one', 'run two']);
    assert.equal(system.sessionList.byId[wanted].recording, { run: 2, on: false, stopped: 'user', bytes: system.sessionList.byId[wanted].recording!.bytes });
    await system.shutdown();

    const off = recorded(join(dir, 'off'), { mode: 'off' });
    assert.match(off.recorder.set('t1', true)!.message, /--record off/);
    const all = recorded(join(dir, 'all'), { mode: 'all' });
    assert.match(all.recorder.set('t1', false)!.message, /--record all/);
    await off.system.shutdown();
    await all.system.shutdown();
  }));

test('the limit stops the recording once, says so, and the facts replay to the same rows', () =>
  withTempDir(async (dir) => {
    const { system, adapter, store, recorder, warnings } = recorded(dir, { maxBytes: 4096 });
    const [id] = (system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds;
    const stream = adapter.last().open();
    await settle();
    for (let i = 0; i < 300; i++) stream.stdout(`line ${i} of output\r\n`);
    // the fact waits for the file's last write
    await waitFor(() => system.sessionList.byId[id].recording?.stopped === 'limit', 'the stop at the limit', 5_000);
    assert.is(system.sessionList.byId[id].state, 'interactive', 'the terminal goes on');
    assert.equal(warnings.filter((w) => w.includes('limit')).length, 1);
    stream.exit(0);
    await recorder.close();
    const replayed = ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store, warn: () => {} });
    assert.is(replayed.replayReport.divergence, undefined);
    assert.equal(replayed.sessionList.byId[id].recording, system.sessionList.byId[id].recording);
    assert.equal(replayed.auditTrail.records, system.auditTrail.records);
    await system.shutdown();
  }));

test('retention removes the recordings last written before its time; the one being written stays', () =>
  withTempDir(async (dir) => {
    const { system, adapter, recorder } = recorded(dir);
    const old = join(dir, 't9-run1-1.cast.gz');
    writeFileSync(old, 'old');
    const day = 86_400;
    utimesSync(old, Date.now() / 1000 - 100 * day, Date.now() / 1000 - 100 * day);
    writeFileSync(join(dir, 't8-run1-2.cast.gz'), 'recent');
    const stranger = join(dir, 'notes.txt'); // not a name the recorder gives: never touched
    writeFileSync(stranger, 'old');
    utimesSync(stranger, Date.now() / 1000 - 100 * day, Date.now() / 1000 - 100 * day);
    system.exec(shellIn('web'), ['nginx']);
    adapter.last().open().stdout('live');
    await settle();
    await waitFor(() => readdirSync(dir).some((name) => name.startsWith('t1-')), 'the live recording made', 5_000);
    const live = readdirSync(dir).find((name) => name.startsWith('t1-'))!;
    utimesSync(join(dir, live), Date.now() / 1000 - 100 * day, Date.now() / 1000 - 100 * day);
    assert.is(await recorder.expire(Date.now() - 90 * day * 1000), 1);
    assert.equal(readdirSync(dir).sort(), ['notes.txt', live, 't8-run1-2.cast.gz']);
    await recorder.close();
    await waitFor(() => readdirSync(dir).includes(`${live}.gz`), 'the live one compressed at the end', 5_000);
    await system.shutdown();
  }));

test('an attempt that prints nothing and fails (auto mode: no bash) is not recorded; the shell found next is', () =>
  withTempDir(async (dir) => {
    const { system, adapter, recorder } = recorded(dir);
    system.exec(shellIn('web'), ['nginx']);
    await settle(); // the attempt's stream is open a while, as over a network
    adapter.last().fail('commandNotFound', 'bash: executable file not found');
    await settle();
    assert.is(adapter.streams.length, 2, 'sh was tried next');
    adapter.last().open().stdout('sh$ ');
    await settle();
    await recorder.close();
    assert.equal(system.entries().filter((e) => e.type.startsWith('recording.')).map((e) => e.type), ['recording.started', 'recording.stopped']);
    assert.equal(readdirSync(dir).length, 1);
    await system.shutdown();
  }));

test('a start compresses what the last process left uncompressed, and removes half-written .gz files', () =>
  withTempDir(async (dir) => {
    const cast = `${JSON.stringify({ version: 2, width: 80, height: 24, timestamp: 1, command: 'sh', env: { TERM: 'xterm' } })}\n[0.5,"o","cut off here"]\n`;
    writeFileSync(join(dir, 't3-run1-5.cast'), cast);
    writeFileSync(join(dir, 't4-run1-6.cast.gz.part'), 'half');
    const { system, recorder } = recorded(dir);
    await recorder.close();
    assert.equal(readdirSync(dir), ['t3-run1-5.cast.gz']);
    assert.is(gunzipSync(readFileSync(join(dir, 't3-run1-5.cast.gz'))).toString(), cast);
    await system.shutdown();
  }));

test("a recording its process left mid-run (SIGKILL): at the next start it is compressed, and its stop is logged with what the file holds (nothing readable: failed)", () =>
  withTempDir(async (dir) => {
    const whole = `${JSON.stringify({ version: 2, width: 80, height: 24, timestamp: 1, command: 'sh', env: { TERM: 'xterm' } })}\n[0.5,"o","cut off here"]\n`;
    // as far as it got: some output; nothing (killed before its header); half a header
    for (const [name, cast, stop] of [['some', whole, { stopped: 'ended', bytes: whole.length }], ['empty', '', { stopped: 'failed', bytes: 0 }], ['torn', '{"version":2,"wid', { stopped: 'failed', bytes: 0 }]] as const) {
      const folder = join(dir, name);
      mkdirSync(folder);
      const made = makeSystem();
      const [id] = (made.system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds;
      await settle();
      // what the killed process left: the started fact, and the file
      const file = 't1-run1-5.cast';
      made.system.recording({ type: 'recording.started', sessionId: id, run: 1, file });
      writeFileSync(join(folder, file), cast);
      const recorder = new Recorder(made.system, new FileRecordings(folder), { mode: 'opt-in', input: false, maxBytes: 1 << 20 }, () => {}, () => made.system.clock.now());
      await waitFor(() => made.system.auditTrail.records[0].recording?.stopped, `${name}: the stop to be logged`);
      await recorder.close();
      assert.equal(made.system.auditTrail.records[0].recording, { file, ...stop }, name);
      assert.equal(made.system.sessionList.byId[id].recording, { run: 1, on: false, ...stop }, name);
      assert.equal(readdirSync(folder), [`${file}.gz`]);
      await made.system.shutdown();
    }
  }));

test.run();

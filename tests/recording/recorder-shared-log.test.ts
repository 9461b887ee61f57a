// Recorded terminals on a shared log, which gives a run's row back after a round trip, when its
// stream may already print (recording review 4 and 5 of issue 21). A restarted run's recording is
// filed under its own run, not under the previous one (whose row the list still shows), and the
// previous run's recording and audit link stay as they were. A run that prints more than the
// recorder holds meanwhile is not recorded, and the log (so the tab) and the server say so.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileRecordings } from '../../src/recording/file-recordings.ts';
import { Recorder } from '../../src/recording/recorder.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { SHARED_SNAPSHOT_FORMAT } from '../../src/runtime/system-snapshot.ts';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait.ts';
import { join } from 'node:path';
import { readBack } from './read-back.ts';

async function sharedServer(dir: string, warnings: string[] = []) {
  const log = new MemoryLog();
  const store = log.open('http://a:7788');
  const adapter = new FakeExecAdapter();
  const system = ExecSystem.openShared({ adapter, store, start: await store.start((format) => format === SHARED_SNAPSHOT_FORMAT), warn: () => {} });
  const recorder = new Recorder(system, new FileRecordings(dir), { mode: 'all', input: false, maxBytes: 1 << 20 }, (message) => warnings.push(message));
  return { system, adapter, recorder, log };
}

/** The cast of terminal `id`'s recording, as the audit record names it in `dir`: its header, then its events, parsed. */
async function castOf(system: ExecSystem, dir: string, id: string): Promise<any[]> {
  const file = system.auditTrail.records.find((r) => r.sessionId === id)!.recording!.file;
  const stored = readdirSync(dir).find((name) => name.startsWith(file))!;
  return (await readBack(join(dir, stored), 1 << 20)).text.trimEnd().split('\n').map((line) => JSON.parse(line));
}

test("a restarted run that prints before the log gives its row back is recorded under its own run", () =>
  withTempDir(async (dir) => {
    const { system, adapter, recorder } = await sharedServer(dir);
    try {
      const result = system.exec(shellIn('web'), ['nginx']);
      assert.ok('sessionIds' in result);
      const [id] = result.sessionIds;
      await waitFor(() => system.sessionList.byId[id], 'the terminal in the list');
      adapter.streams[0].open().stdout('run one\r\n');
      await waitFor(() => recorder.recording(id), 'run 1 recorded');
      adapter.streams[0].exit(0);
      await waitFor(() => system.auditTrail.records.find((r) => r.run === 1)?.recording?.stopped, 'run 1 recording stopped');
      const first = system.auditTrail.records.find((r) => r.run === 1)!.recording!.file;
      assert.ok(!('refused' in (system.restart(id) ?? { refused: 'unknown' })));
      // printed at once: the list still shows run 1's row
      adapter.last().open().stdout('run two\r\n');
      await waitFor(() => system.auditTrail.records.find((r) => r.run === 2)?.recording, 'run 2 recorded');
      const second = system.auditTrail.records.find((r) => r.run === 2)!.recording!.file;
      assert.match(second, /-run2-/);
      assert.is(system.auditTrail.records.find((r) => r.run === 1)!.recording!.file, first, "run 1's audit link stays");
      // run 1's file (being compressed, maybe) and run 2's: no other
      assert.ok(readdirSync(dir).every((name) => name.startsWith(first) || name === second), readdirSync(dir).join(' '));
    } finally {
      await recorder.close();
      await system.shutdown();
    }
  }));

test('a resize is recorded where it happened among the output, though the shared log gives its fact back after the redraw', () =>
  withTempDir(async (dir) => {
    const { system, adapter, recorder, log } = await sharedServer(dir);
    try {
      const [id] = (system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds;
      await waitFor(() => system.sessionList.byId[id], 'the terminal in the list');
      const stream = adapter.streams[0].open();
      stream.stdout('before\r\n');
      await waitFor(() => recorder.recording(id), 'recorded');
      log.deliveryDelayMs = 500; // a database's round trip
      system.resize(id, 100, 30);
      stream.stdout('redrawn\r\n'); // the program's answer to SIGWINCH, before the log gives session.resized back
      await waitFor(() => system.sessionList.byId[id].size?.cols === 100, 'the fact back from the log', 5_000);
      stream.exit(0);
      await waitFor(() => system.auditTrail.records.find((r) => r.sessionId === id)?.recording?.stopped, 'stopped');
      await recorder.close();
      const [, ...events] = await castOf(system, dir, id);
      assert.equal(events.map((e) => `${e[1]} ${e[2]}`), ['o before\r\n', 'r 100x30', 'o redrawn\r\n']);
    } finally {
      await recorder.close();
      await system.shutdown();
    }
  }));

test('a resize before the log gives the run back is kept in its place among the early output', () =>
  withTempDir(async (dir) => {
    const { system, adapter, recorder, log } = await sharedServer(dir);
    try {
      log.deliveryDelayMs = 300; // the run's row comes back after what it printed, as from a slow database
      const [id] = (system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds;
      const stream = adapter.streams[0].open();
      stream.stdout('at80\r\n');
      system.resize(id, 100, 30); // a page fitting its window right after opening the terminal
      stream.stdout('at100\r\n');
      assert.not.ok(system.sessionList.byId[id], 'all of it before the row came back');
      await waitFor(() => recorder.recording(id), 'recorded once the row is back', 5_000);
      stream.exit(0);
      await waitFor(() => system.auditTrail.records.find((r) => r.sessionId === id)?.recording?.stopped, 'stopped', 5_000);
      await recorder.close();
      const [header, ...events] = await castOf(system, dir, id);
      assert.equal([header.width, header.height], [80, 24]);
      assert.equal(events.map((e) => `${e[1]} ${e[2]}`), ['o at80\r\n', 'r 100x30', 'o at100\r\n']);
    } finally {
      await recorder.close();
      await system.shutdown();
    }
  }));

test('a run that prints more than is held before the log gives its row back: not recorded, and the log and the server say why', () =>
  withTempDir(async (dir) => {
    const warnings: string[] = [];
    const { system, adapter, recorder } = await sharedServer(dir, warnings);
    try {
      const result = system.exec(shellIn('web'), ['nginx']);
      assert.ok('sessionIds' in result);
      const [id] = result.sessionIds;
      const stream = adapter.streams[0].open();
      for (let i = 0; i < 3; i++) stream.stdout(new Uint8Array(512 * 1024).fill(0x61)); // before the row is back
      const recording = await waitFor(() => system.auditTrail.records.find((r) => r.sessionId === id && r.recording?.stopped)?.recording, 'the run said to be not recorded');
      assert.is(recording.stopped, 'failed');
      assert.is(recording.bytes, 0);
      assert.is(recorder.recording(id), false);
      assert.equal(warnings, [`terminal ${id} (run 1) is not recorded: it printed more than ${1 << 20} bytes before the shared log gave its run back (the database is slow to answer)`]);
      assert.equal(readdirSync(dir), []);
    } finally {
      await recorder.close();
      await system.shutdown();
    }
  }));

test.run();

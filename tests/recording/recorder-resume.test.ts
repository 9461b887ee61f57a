// Recording turned off and on again in the same run (recording review 4): the run keeps one file,
// the audit record names it, what was printed while off is not in it, times go on from the run's
// time zero, and a later run gets its own file again.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Recorder } from '../../src/recording/recorder.ts';
import { FileRecordings } from '../../src/recording/file-recordings.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait.ts';

/** A system with an opt-in recorder writing into `dir`, and one shell terminal in it, its stream open. */
function openRecorded(dir: string, maxBytes = 1 << 20) {
  const { system, adapter } = makeSystem();
  const recorder = new Recorder(system, new FileRecordings(dir), { mode: 'opt-in', input: false, maxBytes }, () => {}, () => system.clock.now());
  const [id] = (system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds;
  return { system, adapter, recorder, id, stream: adapter.last().open() };
}

test('off then on in the same run: one file, without what was printed while off; the next run has its own', () =>
  withTempDir(async (dir) => {
    const { system, adapter, recorder, id, stream } = openRecorded(dir);
    stream.stdout('$ ');
    await settle();
    recorder.set(id, true);
    system.clock.advanceBy(1000);
    // each switch comes in a turn of its own, after the output before it has gone on (output-batch.ts)
    stream.stdout('first');
    await settle();
    recorder.set(id, false);
    system.clock.advanceBy(1000);
    stream.stdout('unrecorded');
    await settle();
    recorder.set(id, true);
    system.clock.advanceBy(1000);
    stream.stdout('second');
    await settle();
    await waitFor(() => system.sessionList.byId[id].recording?.on === true, 'on again', 5_000);
    stream.exit(0);
    assert.equal(system.restart(id), { run: 2 });
    adapter.last().open().stdout('run two');
    await settle();
    await recorder.close();

    const files = readdirSync(dir).sort();
    assert.equal(files.map((f) => f.replace(/-\d+\.cast\.gz$/, '')), [`${id}-run1`, `${id}-run2`]);
    const [header, ...events] = gunzipSync(readFileSync(join(dir, files[0]))).toString().trimEnd().split('\n').map((line) => JSON.parse(line));
    assert.is(header.version, 2);
    assert.equal(events.map((e) => e[2]), ['first', 'second'], 'one header, both parts, nothing from while it was off');
    assert.ok(events[1][0] > events[0][0], 'times go on from the run\'s time zero');
    const run1 = system.auditTrail.records.find((r) => r.sessionId === id && r.run === 1)!;
    assert.is(`${run1.recording!.file}.gz`, files[0], 'the audit record names the one file');
    assert.is(run1.recording!.bytes, gunzipSync(readFileSync(join(dir, files[0]))).length);
    await system.shutdown();
  }));

test('resized while off: on again, the cast goes on at the size the terminal has now, where a player needs it', () =>
  withTempDir(async (dir) => {
    const { system, recorder, id, stream } = openRecorded(dir);
    system.resize(id, 80, 24);
    await settle();
    recorder.set(id, true);
    stream.stdout('at 80x24');
    await settle();
    recorder.set(id, false);
    system.resize(id, 132, 50);
    await settle();
    recorder.set(id, true);
    stream.stdout('at 132x50');
    await settle();
    await waitFor(() => system.sessionList.byId[id].recording?.on === true, 'on again', 5_000);
    stream.exit(0);
    await settle();
    await recorder.close();
    const [file] = readdirSync(dir);
    const [header, ...events] = gunzipSync(readFileSync(join(dir, file))).toString().trimEnd().split('\n').map((line) => JSON.parse(line));
    assert.equal([header.width, header.height], [80, 24]);
    assert.equal(events.map((e) => [e[1], e[2]]), [['o', 'at 80x24'], ['r', '132x50'], ['o', 'at 132x50']]);
    await system.shutdown();
  }));

test('stopped at its limit, a run is not recorded again: turning it on says why, and the audit keeps the one file it has', () =>
  withTempDir(async (dir) => {
    const { system, adapter, recorder, id, stream } = openRecorded(dir, 400);
    await settle();
    recorder.set(id, true);
    stream.stdout('x'.repeat(1000)); // past the limit: the recording stops by itself
    await settle();
    await waitFor(() => system.sessionList.byId[id].recording?.on === false, 'stopped at its limit', 5_000);
    // turned off then on (an API client): refused for this run, still wanted for the next
    assert.is(recorder.set(id, false), undefined);
    const refused = recorder.set(id, true);
    assert.equal(refused?.status, 409);
    assert.match(refused?.message ?? '', /^The recording of this run stopped \(it reached --record-max-bytes.*its next run \(restart the terminal\) is recorded\.$/);
    stream.stdout('after');
    await settle();
    stream.exit(0);
    await settle();
    const files = () => readdirSync(dir).filter((f) => f.endsWith('.gz'));
    await waitFor(() => files().length === 1, 'run 1 compressed');
    const run1 = system.auditTrail.records.find((r) => r.sessionId === id && r.run === 1)!;
    assert.equal([`${run1.recording!.file}.gz`, run1.recording!.stopped], [files()[0], 'limit']);
    assert.equal(system.restart(id), { run: 2 });
    adapter.last().open().stdout('run two');
    await settle();
    await waitFor(() => recorder.recording(id), 'run 2 recorded, as still wanted');
    await recorder.close();
    assert.is(readdirSync(dir).length, 2, 'one file per run');
    await system.shutdown();
  }));

test.run();

// Recordings keep off the disk's last free bytes, kept for the event log (--record-min-free): below
// the floor none starts, and one being written when the disk falls below it stops there, its file
// kept to its last whole line, the terminal going on; the free space is looked at once in a while;
// a disk that cannot say has no floor. The disk's free space is a stand-in here (a real disk's
// cannot be made to move on cue); the writes are real files.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Recorder } from '../../src/recording/recorder.ts';
import { FileRecordings } from '../../src/recording/file-recordings.ts';
import { DiskFloor } from '../../src/recording/disk-floor.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait.ts';

const MIB = 1024 * 1024;

/** A recorder over files whose disk has `disk.free` bytes free, read at most every 2 s of `disk.now`. */
function recorded(dir: string, disk: { free: number; now: number; reads: number }, floorBytes = 256 * MIB) {
  const warnings: string[] = [];
  const made = makeSystem();
  const floor = new DiskFloor(
    dir,
    floorBytes,
    async () => {
      disk.reads++;
      if (Number.isNaN(disk.free)) throw Object.assign(new Error('statfs refused'), { code: 'ENOSYS' });
      return disk.free;
    },
    () => disk.now,
  );
  const recorder = new Recorder(made.system, new FileRecordings(dir, floor), { mode: 'all', input: false, maxBytes: 64 * MIB }, (w) => warnings.push(w), () => made.system.clock.now());
  return { ...made, recorder, warnings };
}

const shell = (system: ReturnType<typeof makeSystem>['system']) => (system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds[0];

test('below the floor no recording starts: failed, the reason in the log, no file, the terminal going on', () =>
  withTempDir(async (dir) => {
    const disk = { free: 100 * MIB, now: 0, reads: 0 };
    const { system, adapter, recorder, warnings } = recorded(dir, disk);
    const id = shell(system);
    const stream = adapter.last().open();
    stream.stdout('$ ');
    await waitFor(() => system.sessionList.byId[id].recording?.stopped === 'failed', 'the failure in the row', 5_000);
    assert.equal(system.sessionList.byId[id].recording, { run: 1, on: false, stopped: 'failed', bytes: 0 });
    assert.is(warnings.length, 1);
    assert.match(warnings[0], `only 100 MiB is free on the disk of ${dir}, under --record-min-free (256 MiB), which is kept for the event log`);
    assert.equal(readdirSync(dir), []);
    stream.stdout('still going');
    await settle();
    assert.is(system.sessionList.byId[id].state, 'interactive');
    await recorder.close();
    await system.shutdown();
  }));

test('a recording written as the disk falls below the floor stops there, its file kept whole; the disk is looked at once in a while', () =>
  withTempDir(async (dir) => {
    const disk = { free: 10_000 * MIB, now: 0, reads: 0 };
    const { system, adapter, recorder, warnings } = recorded(dir, disk);
    const id = shell(system);
    const stream = adapter.last().open();
    for (let i = 0; i < 20; i++) {
      stream.stdout(`line ${i}\r\n`);
      await settle();
    }
    await waitFor(() => readdirSync(dir).length === 1 && readFileSync(join(dir, readdirSync(dir)[0]), 'utf8').includes('line 19'), 'the lines on the disk', 5_000);
    assert.is(disk.reads, 1, 'one look at the disk within 2 s, however many writes');
    disk.free = 200 * MIB; // another program filled it
    disk.now += 2_000;
    stream.stdout('past the floor\r\n');
    await waitFor(() => system.sessionList.byId[id].recording?.stopped === 'failed', 'the recording to stop', 5_000);
    assert.match(warnings.join('\n'), /stopped: the file could not be written \(only 200 MiB is free on the disk of .*under --record-min-free \(256 MiB\)/);
    await recorder.close(); // and a stopped recording is compressed
    const [file] = readdirSync(dir);
    const cast = gunzipSync(readFileSync(join(dir, file))).toString();
    assert.ok(cast.includes('line 19') && !cast.includes('past the floor'), cast);
    assert.ok(cast.endsWith('\n'), 'its file ends with a whole line');
    stream.stdout('the terminal goes on');
    await settle();
    assert.is(system.sessionList.byId[id].state, 'interactive');
    await system.shutdown();
  }));

test('a disk that cannot say how much is free has no floor; nor has a floor of 0', () =>
  withTempDir(async (dir) => {
    for (const [name, free, floorBytes] of [['unsaid', Number.NaN, 256 * MIB], ['none', 0, 0]] as const) {
      const folder = join(dir, name);
      const disk = { free, now: 0, reads: 0 };
      const { system, adapter, recorder } = recorded(folder, disk, floorBytes);
      const id = shell(system);
      adapter.last().open().stdout('$ recorded');
      await waitFor(() => system.sessionList.byId[id].recording?.on === true, `${name}: the recording under way`, 5_000);
      adapter.last().exit(0);
      await recorder.close();
      assert.is(system.auditTrail.records[0].recording?.stopped, 'ended', name);
      assert.match(readdirSync(folder).join(), /^t1-run1-\d+\.cast\.gz$/, name);
      await system.shutdown();
    }
  }));

test.run();

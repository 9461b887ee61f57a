// A run's recording whose last write fails after the terminal restarted (a slow disk that then
// gives up): the failure belongs to that run's recording only. The next run's recording, already
// under way, must go on, and must not be taken for spent.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Recorder } from '../../src/recording/recorder.ts';
import { FileRecordings } from '../../src/recording/file-recordings.ts';
import type { CastSink } from '../../src/recording/recording-storage.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait.ts';

/** Files whose run-1 recording's datasync, once `hang` is called, waits until `fail`, then fails. */
function slowThenFailing(dir: string) {
  let hanging = false;
  let fail!: () => void;
  const gate = new Promise<void>((_, reject) => (fail = () => reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))));
  gate.catch(() => undefined);
  // a subclass, so the other methods run on a FileRecordings (its private fields need one)
  class Disk extends FileRecordings {
    override async open(name: string, append: boolean): Promise<CastSink> {
      const sink = await super.open(name, append);
      if (!name.includes('-run1-')) return sink;
      return { write: (b, o, l) => sink.write(b, o, l), truncate: (n) => sink.truncate(n), close: () => sink.close(), datasync: () => (hanging ? gate : sink.datasync()) };
    }
  }
  return { storage: new Disk(dir), hang: () => (hanging = true), fail: () => fail() };
}

test("a previous run's recording failing at its end does not stop the next run's", () =>
  withTempDir(async (dir) => {
    const { system, adapter } = makeSystem();
    const disk = slowThenFailing(dir);
    const warnings: string[] = [];
    const recorder = new Recorder(system, disk.storage, { mode: 'all', input: false, maxBytes: 1 << 20 }, (w) => warnings.push(w), () => system.clock.now());
    const [id] = (system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds;
    const first = adapter.last().open();
    first.stdout('run one');
    await waitFor(() => system.sessionList.byId[id].recording?.on === true, 'run 1 recorded', 5_000);
    disk.hang();
    first.exit(0); // run 1's recording stops: its last datasync hangs
    await settle();
    assert.equal(system.restart(id), { run: 2 });
    adapter.last().open().stdout('run two');
    await waitFor(() => system.sessionList.byId[id].recording?.run === 2 && system.sessionList.byId[id].recording?.on === true, 'run 2 recorded', 5_000);
    disk.fail(); // run 1's last write fails now
    await waitFor(() => system.auditTrail.records.find((r) => r.run === 1)?.recording?.stopped === 'failed', 'run 1 failed', 5_000);
    await settle();
    assert.ok(recorder.recording(id), "run 2's recording goes on");
    assert.equal(system.sessionList.byId[id].recording, { run: 2, on: true });
    assert.ok(warnings.every((w) => !w.includes('(run 2)')), warnings.join('\n'));
    await recorder.close();
    await system.shutdown();
  }));

test.run();

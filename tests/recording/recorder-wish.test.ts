// The owner's opt-in wish to record a terminal is a fact in the log (recording review 5): a
// server started again from the same log (after a crash, or another replica taking over) still
// records the terminal's next run, from a snapshot as from the whole log; turning it off is kept
// the same way.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { Recorder } from '../../src/recording/recorder.ts';
import { FileRecordings } from '../../src/recording/file-recordings.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import type { EventStore } from '../../src/events/store.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';

function server(dir: string, store?: EventStore) {
  const made = makeSystem(store ? { store } : {});
  const recorder = new Recorder(made.system, new FileRecordings(dir), { mode: 'opt-in', input: false, maxBytes: 1 << 20 }, () => {}, () => made.system.clock.now());
  return { ...made, recorder };
}

test('a server started again from the log records the next run of a terminal its owner asked to record', () =>
  withTempDir(async (dir) => {
    const first = server(dir);
    const [id] = (first.system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds;
    const [other] = (first.system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds;
    assert.is(first.recorder.set(id, true), undefined);
    assert.is(first.recorder.set(other, true), undefined);
    assert.is(first.recorder.set(other, false), undefined, 'asked, then turned off');
    first.adapter.streams[0].open().stdout('run one');
    first.adapter.streams[1].open().stdout('not recorded');
    await settle();
    assert.equal(ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store: first.store, warn: () => {} }).sessionList.byId[id].recordWanted, true, 'a replay derives the wish');
    // the server stops (a snapshot is written); the next starts from it
    await first.recorder.close();
    const audited = first.system.auditTrail.records.map((r) => r.recording);
    assert.ok(audited[0]?.stopped, 'the first run recorded and stopped');
    await first.system.shutdown();

    const again = server(dir, first.store);
    assert.ok(again.system.replayReport.snapshot, 'started from a snapshot');
    assert.equal(again.system.auditTrail.records.map((r) => r.recording), audited, 'the recording facts, from the snapshot');
    assert.is(again.system.sessionList.byId[id]?.recordWanted, true);
    assert.is(again.system.sessionList.byId[other]?.recordWanted, undefined);
    for (const sessionId of [id, other]) {
      assert.ok(again.system.restart(sessionId), `restart ${sessionId}`);
      again.adapter.last().open().stdout(`after the restart ${sessionId}`);
    }
    await settle();
    assert.is(again.recorder.recording(id), true, 'the wish outlived the process');
    assert.is(again.recorder.recording(other), false);
    await again.recorder.close();
    const runs = readdirSync(dir).filter((name) => name.startsWith(`${id}-`)).length;
    assert.is(runs, 2, 'both runs of the wished terminal recorded');
    assert.not.ok(readdirSync(dir).some((name) => name.startsWith(`${other}-run2-`)), 'turned off stays off');
    await again.system.shutdown();
  }));

test.run();

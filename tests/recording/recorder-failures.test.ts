// A recording that cannot start (recording review 6): a file the disk refuses, or a header
// (the command) larger than the limit, stops the recording as 'failed' in the log, so the tab
// and the audit trail show it, warns once, leaves no empty file, and the terminal goes on.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Recorder } from '../../src/recording/recorder.ts';
import { FileRecordings } from '../../src/recording/file-recordings.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait.ts';

function recorded(dir: string, maxBytes: number) {
  const warnings: string[] = [];
  const made = makeSystem();
  const recorder = new Recorder(made.system, new FileRecordings(dir), { mode: 'all', input: false, maxBytes }, (w) => warnings.push(w), () => made.system.clock.now());
  return { ...made, recorder, warnings };
}

test('a recordings folder the disk refuses: the row and the audit record say failed, the terminal goes on', () =>
  withTempDir(async (dir) => {
    const folder = join(dir, 'recordings');
    const { system, adapter, recorder, warnings } = recorded(folder, 1 << 20);
    rmSync(folder, { recursive: true });
    writeFileSync(folder, 'not a folder'); // every file in it fails to open (ENOTDIR)
    const [id] = (system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds;
    const stream = adapter.last().open();
    stream.stdout('$ ');
    await waitFor(() => system.sessionList.byId[id].recording?.stopped === 'failed', 'the failure in the row', 5_000);
    assert.equal(system.sessionList.byId[id].recording, { run: 1, on: false, stopped: 'failed', bytes: 0 });
    assert.is(system.auditTrail.records[0].recording?.stopped, 'failed');
    assert.is(warnings.length, 1);
    assert.match(warnings[0], /could not be made \(ENOTDIR/);
    stream.stdout('still going');
    await settle();
    assert.is(system.sessionList.byId[id].state, 'interactive');
    await recorder.close();
    await system.shutdown();
  }));

test('a command too long for the limit: failed at once, with a sentence, and no file', () =>
  withTempDir(async (dir) => {
    const { system, adapter, recorder, warnings } = recorded(dir, 200);
    const [id] = (system.exec(shellIn('web', ['nginx'], { command: { argv: ['sh', '-c', 'x'.repeat(300)] } }), ['nginx']) as { sessionIds: string[] }).sessionIds;
    adapter.last().open().stdout('$ ');
    await settle();
    assert.equal(system.sessionList.byId[id].recording, { run: 1, on: false, stopped: 'failed', bytes: 0 });
    assert.match(warnings.join('\n'), /leaves no room for its header/);
    await recorder.close();
    assert.equal(readdirSync(dir), []);
    await system.shutdown();
  }));

test.run();

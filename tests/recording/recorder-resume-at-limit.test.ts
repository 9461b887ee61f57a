// A recording turned off near its limit, the terminal resized meanwhile, then turned on again:
// the `r` event that resumes it does not fit, so it stops at its limit as it resumes. The row and
// the recorder must say so at once (stopped: limit), not show a recording on that records nothing.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Recorder } from '../../src/recording/recorder.ts';
import { FileRecordings } from '../../src/recording/file-recordings.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait.ts';

test('resumed past its limit by the resize it owes: stopped at the limit, said at once', () =>
  withTempDir(async (dir) => {
    const { system, adapter } = makeSystem();
    const warnings: string[] = [];
    const maxBytes = 4096;
    const recorder = new Recorder(system, new FileRecordings(dir), { mode: 'opt-in', input: false, maxBytes }, (w) => warnings.push(w), () => system.clock.now());
    const [id] = (system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds;
    const stream = adapter.last().open();
    stream.stdout('$ ');
    await settle();
    recorder.set(id, true);
    stream.stdout('.');
    await settle();
    await waitFor(() => system.sessionList.byId[id].recording?.on === true, 'recording', 5_000);
    recorder.set(id, false);
    await waitFor(() => system.sessionList.byId[id].recording?.stopped === 'user', 'turned off', 5_000);
    // on again, filled to 5 bytes short of the limit (an event is [0,"o","…"] and a newline: 11 bytes more than its text)
    const room = maxBytes - system.sessionList.byId[id].recording!.bytes!;
    recorder.set(id, true);
    stream.stdout('x'.repeat(room - 11 - 5));
    await settle();
    recorder.set(id, false);
    await waitFor(() => system.sessionList.byId[id].recording?.bytes === maxBytes - 5, 'filled', 5_000);
    system.resize(id, 132, 50);
    await settle();
    recorder.set(id, true);
    await waitFor(() => system.sessionList.byId[id].recording?.stopped === 'limit', 'the stop at the limit in the row', 5_000);
    assert.is(recorder.recording(id), false);
    assert.is(warnings.filter((w) => w.includes('limit')).length, 1);
    stream.exit(0);
    await recorder.close();
    await system.shutdown();
  }));

test.run();

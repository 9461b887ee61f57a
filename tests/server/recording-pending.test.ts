// What POST /exec answers about a recording (docs/api.md, "POST /exec"): whether the disk takes it
// is known only at the stream's first byte, after the 201, so the answer says `recording:
// "pending"` for a terminal to be recorded, and the row says how it went: on, or stopped as
// "failed" when the recordings directory refuses the file. A terminal not to be recorded has no
// such field; with --record all every terminal is pending without asking (the rule, tested alone).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../support/wait.ts';
import { execRecording } from '../../src/server/exec-recording.ts';
import { call, sessionState, startTestApp, type TestApp } from './support.ts';

const shell = { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } };
const app = await startTestApp();
test.after(() => app.close());

async function exec(on: TestApp, body: Record<string, unknown>) {
  const res = await call(on, '/api/v1/exec', { body });
  assert.is(res.status, 201, res.body);
  return res.json as { sessionIds: string[]; recording?: string };
}

const recordingOf = (on: TestApp, id: string) => waitFor(async () => (await sessionState(on, id))?.recording, `the row of ${id} to say how its recording went`, 15_000);

test('record: true answers "pending", then the row says the recording is on; without it, no such field', async () => {
  const asked = await exec(app, { ...shell, record: true });
  assert.is(asked.recording, 'pending');
  assert.is((await recordingOf(app, asked.sessionIds[0])).on, true);
  const plain = await exec(app, shell);
  assert.is('recording' in plain, false, JSON.stringify(plain));
});

test('a recordings directory that refuses the file: still "pending" at once, then the row says "failed" and the terminal goes on', async () => {
  const dir = join(app.dir, 'recordings');
  rmSync(dir, { recursive: true, force: true });
  writeFileSync(dir, 'not a directory'); // refuses every file, whoever the server runs as
  try {
    const started = await exec(app, { ...shell, record: true });
    assert.is(started.recording, 'pending');
    const id = started.sessionIds[0];
    const recording = await waitFor(async () => ((await sessionState(app, id))?.recording?.stopped ? (await sessionState(app, id))!.recording : undefined), 'the failure in the row', 15_000);
    assert.equal({ on: recording.on, stopped: recording.stopped }, { on: false, stopped: 'failed' });
    assert.ok(['interactive', 'idle'].includes((await sessionState(app, id))!.state), 'the terminal goes on unrecorded');
    const asked = await call(app, `/api/v1/sessions/${id}/recording?run=1`);
    assert.is(asked.status, 410);
    assert.match(asked.json.error.message, 'failed as it began, so nothing was kept', 'not "gone": there never was one');
  } finally {
    rmSync(dir, { force: true });
    mkdirSync(dir, { mode: 0o700 });
  }
});

test('the answer follows the policy: --record all makes every terminal pending, no command without a terminal is', () => {
  assert.equal(execRecording({ mode: 'all' }, { interactive: true }), { recording: 'pending' });
  assert.equal(execRecording({ mode: 'all' }, { interactive: false }), {});
  assert.equal(execRecording({ mode: 'opt-in' }, { interactive: true }), {});
  assert.equal(execRecording({ mode: 'opt-in' }, { interactive: true, record: true }), { recording: 'pending' });
});

test.run();

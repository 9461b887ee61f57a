// A recording is read back under the limit it was written with: after a restart with a smaller
// --record-max-bytes, an older recording that was whole under its own limit still comes whole,
// not cut at today's limit and called damaged.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../support/wait.ts';
import { StreamClient, call, openExec, sessionState, startTestApp } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-recording-limit-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('after a restart with a smaller limit, an older recording comes whole, with no damage said', async () => {
  let app = await startTestApp({ stateDir: dir });
  let id: string;
  let whole: string;
  try {
    [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' }, record: true });
    const client = await StreamClient.open(app);
    await client.attach(id);
    await waitFor(async () => (await sessionState(app, id))?.recording?.on, 'the recording', 15_000);
    // 2 MB: past the smaller limit and the 1 MiB read back beyond it
    client.type(id, "head -c 1500000 /dev/zero | base64 -w 1000; echo DONE-$((6*7))\n");
    await client.waitForText(id, 'DONE-42\r\n', 60_000);
    client.type(id, 'exit\n');
    await waitFor(async () => (await sessionState(app, id))?.recording?.stopped, 'the recording to stop', 30_000);
    const first = await call(app, `/api/v1/sessions/${id}/recording`);
    assert.is(first.status, 200);
    assert.ok(first.body.length > 2_000_000, `${first.body.length} bytes`);
    assert.is(first.headers['x-recording-damaged'], undefined);
    whole = first.body;
    await client.close();
  } finally {
    await app.close();
  }
  app = await startTestApp({ stateDir: dir, recording: { maxBytes: 4096 } });
  try {
    const again = await call(app, `/api/v1/sessions/${id}/recording`);
    assert.is(again.status, 200);
    assert.is(again.headers['x-recording-damaged'], undefined, String(again.headers['x-recording-damaged']));
    assert.is(again.body, whole, 'the same cast, whole');
  } finally {
    await app.close();
  }
});

test.run();

// The whole app against a cluster that refuses WebSocket exec (an old API server, a proxy): the
// default transport setting falls back to SPDY, and the terminal works, its command run once.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { StreamClient, openExec, sessionRow, sessionState, startTestApp } from '../server/support.ts';
import { waitFor } from '../support/wait.ts';

const app = await startTestApp({ sandboxOptions: { execTransports: ['spdy'] } });
test.after(() => app.close());

test('a cluster without WebSocket exec: the app falls back to SPDY, exit code and output intact, run once', async () => {
  const before = app.sandbox!.execCount();
  const tab = await StreamClient.open(app);
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['sh', '-c', 'echo over-spdy; exit 3'] }, interactive: false });
  await tab.attach(id);
  await waitFor(async () => (await sessionState(app, id))?.state === 'exited', 'the exit');
  const row = await sessionRow(app, id);
  assert.is(row.exitCode, 3);
  assert.match(row.protocol ?? '', /spdy/i);
  await tab.waitForText(id, 'over-spdy');
  assert.is(app.sandbox!.execCount() - before, 1);
  await tab.close();
});

test('an interactive shell over SPDY: typing, resize, exit code', async () => {
  const tab = await StreamClient.open(app);
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'auto' } });
  await tab.attach(id);
  await waitFor(async () => (await sessionState(app, id))?.state === 'interactive', 'the shell');
  tab.send({ type: 'resize', sessionId: id, cols: 101, rows: 29 });
  tab.type(id, 'stty size; exit 5\r');
  await tab.waitForText(id, /29 101/);
  await waitFor(async () => (await sessionState(app, id))?.state === 'exited', 'the exit');
  assert.is((await sessionRow(app, id)).exitCode, 5);
  await tab.close();
});

test.run();

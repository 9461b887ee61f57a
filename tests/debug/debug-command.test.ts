// A debug action with a command of its own (POST /exec's `command` with a debug mode): the
// command runs in a debug container and its exit code is the run's, as a plain exec's is. Before
// the fix the command was the new debug container's main process, which ended before the server
// saw it run: the run failed "ended before it ran (Completed)", its exit code and output lost.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { StreamClient, call, openExec, sessionState, startTestApp } from '../server/support.ts';
import { waitFor } from '../support/wait.ts';

const app = await startTestApp();
test.after(() => app.close());

const debugApp = { namespace: 'default', pod: 'distroless-app', container: 'app', mode: { kind: 'debug', image: 'busybox:1.36' } };
const ended = (state: string | undefined) => state === 'exited' || state === 'failed';

test("a debug run's own command runs in the debug container: its exit code is the run's", async () => {
  const [id] = await openExec(app, { ...debugApp, command: { argv: ['sh', '-c', 'exit 7'] } });
  await waitFor(async () => ended((await sessionState(app, id))?.state), 'the command to end', 30_000);
  const row = await sessionState(app, id);
  assert.is(row?.state, 'exited', JSON.stringify(row?.failure));
  assert.is(row?.exitCode, 7);
  await call(app, `/api/v1/sessions/${id}/close`, { body: {} });
});

test("a debug run's own command's output reaches the terminal", async () => {
  const [id] = await openExec(app, { ...debugApp, command: { argv: ['sh', '-c', 'sleep 1; echo "from $((40+2))"'] } });
  const tab = await StreamClient.open(app);
  await tab.attach(id);
  await tab.waitForText(id, 'from 42');
  await waitFor(async () => ended((await sessionState(app, id))?.state), 'the command to end', 30_000);
  assert.is((await sessionState(app, id))?.exitCode, 0);
  await call(app, `/api/v1/sessions/${id}/close`, { body: {} });
  await tab.close();
});

test.run();

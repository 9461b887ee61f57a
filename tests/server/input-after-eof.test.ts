// Keys a socket sends after a session's input ended (its eof: Ctrl-D at the command line, or a
// share participant's) are no input: refused with a sentence that says so. They were handed to
// the exec, and the WebSocket exec's ended stdin threw, uncaught: the server went down.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { StreamClient, call, openExec, sessionRow, startTestApp } from './support.ts';

const app = await startTestApp();
test.after(() => app.close());

test("keys after a session's eof are refused, saying its input ended; the server and the session go on", async () => {
  const tab = await StreamClient.open(app);
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['sh', '-c', 'cat; echo input-over; sleep 30'] }, interactive: false, stdin: true });
  await tab.attach(id);
  tab.type(id, 'before\n');
  await tab.waitForText(id, 'before\n');
  const seen = tab.messages.length;
  tab.send({ type: 'eof', sessionId: id });
  await tab.waitForText(id, 'input-over');
  tab.type(id, 'after\n');
  const refused = await tab.next('error', (m) => m.sessionId === id, 'the refusal', seen);
  assert.is(refused.code, 'rateLimited');
  assert.match(refused.message, "input has ended (an eof was sent): nothing after it reaches the program");
  assert.is((await sessionRow(app, id)).state, 'interactive', 'still running');
  assert.not.match(tab.text(id), 'after');
  await tab.close();
  await call(app, `/api/v1/sessions/${id}/close`, { body: {} });
});

test.run();

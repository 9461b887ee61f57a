// A server that stops ends every terminal (serverShutdown) and then closes every socket with 1001:
// each socket gets the rows that say its terminals were ended before that close, so a client
// (the page, octant-exec exec) says how the terminal ended rather than taking the close for a drop.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { openExec, StreamClient, startTestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

test('stopping: the ended rows (disconnected, serverShutdown) reach an attached socket before its 1001 close', async () => {
  const app = await startTestApp();
  let closed = false;
  try {
    const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
    const client = await StreamClient.open(app);
    await client.attach(id);
    await waitFor(() => client.messages.some((m) => m.type === 'session' && m.session.sessionId === id && m.session.state === 'interactive') || app.system.sessionList.byId[id]?.state === 'interactive', 'the shell to connect', 15_000);
    await app.close();
    closed = true;
    assert.is(await client.closed, 1001);
    const ended = client.messages.find((m) => m.type === 'session' && m.session.sessionId === id && m.session.state === 'disconnected');
    assert.ok(ended, `the ended row came before the close: ${JSON.stringify(client.messages.map((m) => m.type))}`);
    assert.is(ended.type === 'session' && ended.session.disconnectReason, 'serverShutdown');
  } finally {
    if (!closed) await app.close();
  }
});

test.run();

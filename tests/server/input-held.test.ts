// End to end through the hub, a program that takes no input (a stand-in stream whose writes are
// not sent on): a client that sends and does not wait is told `inputHeld` past a MiB waiting,
// refused past 4 MiB with a sentence (never more kept), and told it may go on once the program
// reads; a client that attaches while it is held hears so in `attached`. A watcher is told nothing.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { INPUT_HELD_AT, MAX_INPUT_WAITING } from '../../src/runtime/terminal-io.ts';
import { StreamClient, openExec, sessionState, startTestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

const adapter = new FakeExecAdapter((stream) => void stream.open().takeNoInput());
// an input rate that lets 5 MiB through at once: the bound under test is the server's, not the rate's
const app = await startTestApp({ adapter: () => adapter, hub: { inputBytesPerSecond: 64 * 1024 * 1024 } });
test.after(() => app.close());

test('input past a MiB unsent: held; past 4 MiB: refused, saying why; taken: released', async () => {
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
  await waitFor(async () => (await sessionState(app, id))?.state === 'interactive', 'the stand-in shell to run');
  const client = await StreamClient.open(app);
  await client.attach(id);
  const piece = new Uint8Array(32 * 1024).fill(0x61);
  for (let sent = 0; sent <= INPUT_HELD_AT; sent += piece.length) client.type(id, piece);
  const held = await client.next('inputHeld', (m) => m.sessionId === id, 'told to hold');
  assert.is(held.held, true);
  for (let sent = 0; sent < MAX_INPUT_WAITING; sent += piece.length) client.type(id, piece);
  const refused = await client.next('error', (m) => m.sessionId === id, 'the refusal');
  assert.is(refused.code, 'rateLimited');
  assert.match(refused.message, /not taking its input: 4 MiB already wait to reach it/);
  const stream = adapter.streams.at(-1)!;
  const taken = stream.written.reduce((n, chunk) => n + chunk.length, 0);
  assert.ok(taken <= MAX_INPUT_WAITING + piece.length, `${taken} bytes kept for the stream`);

  const late = await StreamClient.open(app);
  assert.is((await late.attach(id)).inputHeld, true, 'an attach while held says so');
  const at = client.messages.length;
  stream.takeInput();
  const released = await client.next('inputHeld', (m) => m.sessionId === id, 'told it may go on', at);
  assert.is(released.held, false);
  await Promise.all([client.close(), late.close()]);
});

test.run();

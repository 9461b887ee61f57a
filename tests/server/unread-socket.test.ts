// A client that keeps sending and never reads what it is sent (SECURITY.md item 5): every answer
// the server owes it (an error for each bad frame, a pong, a replay) would wait in the server's
// memory for good. Refusals of bad frames, binary or not, cost the message rate; past the hub's
// bounds (what no flow control bounds; all told) the socket is closed, and others go on; a socket
// over its message rate is told so once a second, not once for each message dropped.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Socket } from 'node:net';
import { StreamClient, openExec, sessionState, startTestApp } from './support.ts';
import { HUB_DEFAULTS, hubOptions } from '../../src/server/hub-options.ts';
import { waitFor } from '../support/wait.ts';

const maxUnreadMessages = 1024 * 1024;
const app = await startTestApp({ hub: { maxUnreadMessages } });
test.after(() => app.close());

/** the client's TCP socket under its WebSocket: paused, it reads nothing more and the server's writes back up */
const tcp = (client: StreamClient) => (client.ws as unknown as { _socket: Socket })._socket;

test('bad binary frames are answered at most at the message rate, like bad control messages', async () => {
  const client = await StreamClient.open(app);
  const seen = client.messages.length;
  const started = performance.now();
  const garbage = new Uint8Array([1]); // a malformed frame: 7 bytes from the client, a badMessage of about 100 back
  for (let i = 0; i < 20_000; i++) client.ws.send(garbage);
  // in order: once a ping sent after the flood is answered (the rate lets one through again), every bad frame was handled
  await waitFor(
    () => {
      if (client.messages.slice(seen).some((m) => m.type === 'pong')) return true;
      client.send({ type: 'ping' });
      return false;
    },
    'a ping after the flood to be answered',
    30_000,
  );
  const answered = client.messages.slice(seen).filter((m) => m.type === 'error' && m.code === 'badMessage').length;
  const { messagesPerSecond } = app.hub.limits;
  const bound = messagesPerSecond * 5 + messagesPerSecond * Math.ceil((performance.now() - started) / 1000);
  assert.ok(answered > 0 && answered <= bound, `${answered} of 20000 bad frames answered, bound ${bound}`);
  await client.close();
});

test('the bound of all a socket may hold: a full replay and a watermark for each session it may attach, and the loose bytes', () => {
  const { scrollbackBytes, highWatermark, maxAttachedPerSocket, maxUnreadMessages: loose } = HUB_DEFAULTS;
  assert.is(hubOptions().maxSocketBacklog, maxAttachedPerSocket * (scrollbackBytes + highWatermark) + loose);
  assert.is(hubOptions({ scrollbackBytes: 2 << 20, maxAttachedPerSocket: 4, maxUnreadMessages: 1 << 20 }).maxSocketBacklog, 4 * ((2 << 20) + highWatermark) + (1 << 20));
  assert.is(hubOptions({ maxSocketBacklog: 5 }).maxSocketBacklog, 5, 'as given');
});

test('a client that attaches a terminal again and again and never reads is closed once the replays nobody shows pass the bound; another socket goes on', async () => {
  // about 270 KB of output held in the terminal's scrollback: each attach sends it all again
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['sh', '-c', 'head -c 200000 /dev/urandom | base64'] }, interactive: false });
  await waitFor(async () => (await sessionState(app, id))?.state === 'exited', 'the output to be written', 15_000);
  const before = app.hub.clientCount;
  const bystander = await StreamClient.open(app);
  const flooder = await StreamClient.open(app, { autoAck: false });
  await waitFor(() => app.hub.clientCount === before + 2, 'both sockets to be counted', 5_000);
  tcp(flooder).pause();
  const said: string[] = [];
  const error = console.error;
  console.error = (...words: unknown[]) => void said.push(words.join(' '));
  await waitFor(
    () => {
      if (app.hub.clientCount === before + 1) return true;
      for (let i = 0; i < 20; i++) flooder.send({ type: 'attach', sessionId: id, from: 0 });
      return false;
    },
    'the server to close the socket that does not read',
    60_000,
  ).finally(() => (console.error = error));
  // each attach replaced the last viewer, whose replay still waited: owed by the socket alone, bounded as its messages are
  assert.match(said.join('\n'), /closed a socket of the local user: .* MiB of messages and replays nobody shows \(the limit is 1\.0\)/);
  bystander.send({ type: 'ping', id: 7 });
  assert.is((await bystander.next('pong', (m) => m.id === 7, 'the bystander answered')).type, 'pong');
  tcp(flooder).resume();
  assert.is(await flooder.closed, 1006, 'closed at once, with no close frame queued behind what it never read');
  await bystander.close();
});

test('a socket over its message rate is told once a second, not once for each message dropped', async () => {
  const client = await StreamClient.open(app);
  const seen = client.messages.length;
  const started = performance.now();
  const { messagesPerSecond } = app.hub.limits;
  for (let i = 0; i < messagesPerSecond * 10; i++) client.send({ type: 'ping', id: i }); // twice the burst of 5 s
  // in order: once a ping sent after the flood is answered, every message of the flood was handled
  let probe = messagesPerSecond * 10;
  await waitFor(
    () => {
      if (client.messages.slice(seen).some((m) => m.type === 'pong' && Number(m.id) >= messagesPerSecond * 10)) return true;
      client.send({ type: 'ping', id: probe++ });
      return false;
    },
    'a ping after the flood to be answered',
    30_000,
  );
  const told = client.messages.slice(seen).filter((m) => m.type === 'error' && m.code === 'rateLimited').length;
  const seconds = Math.ceil((performance.now() - started) / 1000);
  assert.ok(told >= 1, 'it was told');
  assert.ok(told <= seconds + 1, `told ${told} times in ${seconds} s, for about ${messagesPerSecond * 5} messages dropped`);
  await client.close();
});

test.run();

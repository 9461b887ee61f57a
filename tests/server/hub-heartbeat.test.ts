// The page socket's heartbeat (src/server/hub-sockets.ts): a server loop held past the ping
// interval, with the browser's pong sitting unread, does not drop the browser; a browser that
// stops answering is dropped.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { HubSockets, type HubSocket } from '../../src/server/hub-sockets.ts';
import { hubOptions } from '../../src/server/hub-options.ts';
import { LOCAL_CALLER } from '../../src/server/caller.ts';
import { blockEventLoop } from '../support/block-loop.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('page socket heartbeat');
const pingIntervalMs = 50;
const dropped: HubSocket[] = [];
const sockets = new HubSockets(hubOptions({ pingIntervalMs }), { connected() {}, binary() {}, control() {}, disconnected: (socket) => dropped.push(socket) });
const server = http.createServer();
server.on('upgrade', (request, socket, head) => sockets.handleUpgrade(request, socket, head, LOCAL_CALLER));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
test.after(() => {
  sockets.close();
  server.close();
});

async function browser(): Promise<WebSocket & { pings: number; closed: boolean }> {
  const ws = Object.assign(new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`), { pings: 0, closed: false });
  ws.on('ping', () => ws.pings++);
  ws.on('close', () => (ws.closed = true));
  ws.on('error', () => {});
  await new Promise((resolve) => ws.once('open', resolve));
  return ws;
}

test('a server held for ten intervals right after the browser answered keeps the browser', async () => {
  const ws = await browser();
  // ws has written its pong when 'ping' fires; the loop then stalls past the next check
  ws.on('ping', () => ws.pings <= 3 && blockEventLoop(10 * pingIntervalMs));
  await waitFor(() => ws.pings >= 8, 'eight pings', 10_000);
  assert.is(ws.closed, false);
  assert.is(dropped.length, 0);
  ws.close();
});

test('a browser that stops reading (no pong, no message) is dropped', async () => {
  await waitFor(() => sockets.count === 0, 'the first browser gone');
  dropped.length = 0;
  const ws = await browser();
  await waitFor(() => ws.pings > 0, 'a ping');
  ws.pause();
  await waitFor(() => dropped.length === 1, 'the silent browser dropped', 5_000);
  assert.is(sockets.count, 0);
  ws.terminate();
});

test.run();

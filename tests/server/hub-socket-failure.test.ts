// A bug met while handling one socket's message (src/server/hub-sockets.ts) closes that socket
// with 1011 and says so on stderr; the process and every other socket go on. Before, nothing
// caught it: one message could end the server and every terminal in it.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { HubSockets } from '../../src/server/hub-sockets.ts';
import { hubOptions } from '../../src/server/hub-options.ts';
import { LOCAL_CALLER } from '../../src/server/caller.ts';
import { encodeFrame, FrameKind } from '../../src/protocol/frames.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('page socket handler failure');
const sockets = new HubSockets(hubOptions({}), {
  connected() {},
  disconnected() {},
  control(_socket, message) {
    if (message.type === 'detach') throw new Error('a bug met by a detach');
  },
  binary() {
    throw new Error('a bug met by input');
  },
});
const server = http.createServer();
server.on('upgrade', (request, socket, head) => sockets.handleUpgrade(request, socket, head, LOCAL_CALLER));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const logged: string[] = [];
const consoleError = console.error;
test.before(() => void (console.error = (line: string) => logged.push(line)));
test.after(() => {
  console.error = consoleError;
  sockets.close();
  server.close();
});

async function page(): Promise<WebSocket & { closedWith?: number; texts: string[] }> {
  const ws = Object.assign(new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`), { closedWith: undefined as number | undefined, texts: [] as string[] });
  ws.on('close', (code) => (ws.closedWith = code));
  ws.on('message', (data) => ws.texts.push(String(data)));
  ws.on('error', () => {});
  await new Promise((resolve) => ws.once('open', resolve));
  return ws;
}

for (const [what, send] of [
  ['a control message', (ws: WebSocket) => ws.send(JSON.stringify({ type: 'detach', sessionId: 't1' }))],
  ['an input frame', (ws: WebSocket) => ws.send(encodeFrame(FrameKind.Input, 't1', new Uint8Array([0x61])))],
] as const) {
  test(`a handler that throws on ${what} closes that socket (1011), logged; another socket still works`, async () => {
    logged.length = 0;
    const [failing, other] = [await page(), await page()];
    send(failing);
    await waitFor(() => failing.closedWith, 'the failing socket closed');
    assert.is(failing.closedWith, 1011);
    assert.match(logged.join('\n'), /a socket of the local user was closed: handling its message failed: Error: a bug met by/);
    other.send(JSON.stringify({ type: 'ping', id: 7 }));
    await waitFor(() => other.texts.some((text) => JSON.parse(text).type === 'pong'), 'the other socket answered');
    assert.is(other.closedWith, undefined);
    other.close();
  });
}

test.run();

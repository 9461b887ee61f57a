// The sandbox's heartbeats on its exec connections (WebSocket and SPDY channels), like an API
// server's: a loop held past the interval, with the client's answer sitting unread, does not
// drop the client; a client that stops answering is dropped. The client here is a bare one that
// never pings by itself, so only the sandbox's own pings and their answers count.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { WebSocketChannels } from '../../src/sandbox/transports/websocket-channels.ts';
import { SpdyChannels } from '../../src/sandbox/transports/spdy-channels.ts';
import { SpdySession } from '../../src/spdy/session.ts';
import type { SpdyStream } from '../../src/spdy/stream.ts';
import type { ExecChannels } from '../../src/sandbox/transports/exec-channels.ts';
import { socketPair } from '../spdy/helpers.ts';
import { blockEventLoop } from '../support/block-loop.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('sandbox exec heartbeats');
const heartbeatMs = 50;

interface Client {
  /** pings from the sandbox seen (and answered) */
  pings(): number;
  /** on each ping, after its answer is written */
  onPing(listener: () => void): void;
  /** stop reading: the sandbox's pings go unanswered */
  silence(): void;
  close(): void;
}

/** The sandbox's channels over a WebSocket, with a ws client. */
async function overWebSocket(): Promise<{ channels: ExecChannels; client: Client }> {
  const wss = new WebSocketServer({ noServer: true });
  const server = http.createServer();
  const opened = new Promise<ExecChannels>((resolve) => {
    server.on('upgrade', (request, socket, head) => wss.handleUpgrade(request, socket, head, (ws) => resolve(new WebSocketChannels(ws, 5, heartbeatMs, socket))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, ['v5.channel.k8s.io']);
  ws.on('error', () => {});
  let pings = 0;
  ws.on('ping', () => pings++); // ws has written its pong when this fires
  const channels = await opened;
  server.close();
  return {
    channels,
    client: {
      pings: () => pings,
      onPing: (listener) => ws.on('ping', listener),
      silence: () => ws.pause(),
      close: () => ws.terminate(),
    },
  };
}

/** The sandbox's channels over SPDY, with a client session that opened the error stream. */
async function overSpdy(): Promise<{ channels: ExecChannels; client: Client }> {
  const [ours, theirs] = await socketPair();
  const server = new SpdySession(theirs, { role: 'server' });
  const opened = new Promise<ExecChannels>((resolve) => {
    server.on('stream', (stream: SpdyStream) => {
      stream.reply();
      resolve(new SpdyChannels(server, theirs, { error: stream }, 5, heartbeatMs));
    });
  });
  const client = new SpdySession(ours, { role: 'client' });
  client.on('close', () => {});
  client.openStream({ streamtype: 'error' }).on('error', () => {});
  let pings = 0;
  client.on('peerPing', () => pings++); // emitted once the answer is written
  const channels = await opened;
  return {
    channels,
    client: {
      pings: () => pings,
      onPing: (listener) => client.on('peerPing', listener),
      silence: () => ours.pause(),
      close: () => client.destroy(),
    },
  };
}

for (const [name, open] of [['WebSocket', overWebSocket], ['SPDY', overSpdy]] as const) {
  test(`${name}: a loop held for ten intervals right after the client answered keeps the client`, async () => {
    const { channels, client } = await open();
    let gone: string | undefined;
    channels.onClientGone((reason) => (gone = reason));
    client.onPing(() => client.pings() <= 3 && blockEventLoop(10 * heartbeatMs));
    await waitFor(() => client.pings() >= 8 || gone, 'eight pings', 10_000);
    assert.is(gone, undefined, 'the client was dropped');
    client.close();
  });

  test(`${name}: a client that stops answering is dropped`, async () => {
    const { channels, client } = await open();
    let gone: string | undefined;
    channels.onClientGone((reason) => (gone = reason));
    await waitFor(() => client.pings() > 0, 'a ping');
    client.silence();
    await waitFor(() => gone, 'the silent client dropped', 5_000);
    client.close();
  });
}

test.run();

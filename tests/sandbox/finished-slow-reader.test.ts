// A finished exec whose client holds its reading (a viewer behind, flow control) keeps its
// connection until the client has read everything, however long that takes while the client
// is alive; a client that goes silent meanwhile is dropped by the heartbeat. Ending the
// connection on a timer instead (ws's 30 s closing timeout, 5 s on SPDY) reset it under the
// client's unread output: the load run's streams arrived short.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { createWebSocketTransport } from '../../src/sandbox/transports/websocket-transport.ts';
import { SpdyChannels } from '../../src/sandbox/transports/spdy-channels.ts';
import { SpdySession } from '../../src/spdy/session.ts';
import type { SpdyStream } from '../../src/spdy/stream.ts';
import type { ExecChannels } from '../../src/sandbox/transports/exec-channels.ts';
import { socketPair } from '../spdy/helpers.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../support/wait.ts';

const test = suite('sandbox: a finished exec and a client slow to read');
const heartbeatMs = 100;
/** longer than the SPDY transport's old 5 s closing grace */
const holdMs = 5_500;
const output = new Uint8Array(256 * 1024).fill(0x61);
const success = { metadata: {}, status: 'Success' } as const;

interface SlowClient {
  /** stop reading; ping the sandbox every heartbeat (as our adapters and kubectl do) unless `silent` */
  hold(silent?: boolean): void;
  resume(): void;
  /** stdout bytes read so far */
  stdoutBytes(): number;
  status(): string | undefined;
  /** how the connection ended, once it did */
  ended(): string | undefined;
  /** the sandbox's end of the connection is closed */
  cutOff(): boolean;
  close(): void;
}

/** Through the sandbox's own WebSocket transport (its server settings included). */
async function overWebSocket(): Promise<{ channels: ExecChannels; client: SlowClient; stop(): void }> {
  const transport = createWebSocketTransport({ heartbeatMs });
  const server = http.createServer();
  let sandboxSide: Duplex | undefined;
  const opened = new Promise<ExecChannels>((resolve) =>
    server.on('upgrade', (request, socket, head) => {
      sandboxSide = socket;
      transport.upgrade(request, socket, head, resolve);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, ['v5.channel.k8s.io']);
  ws.on('error', () => {});
  let stdout = 0;
  let status: string | undefined;
  let ended: string | undefined;
  let pinger: ReturnType<typeof setInterval> | undefined;
  ws.on('message', (data: Buffer) => {
    if (data[0] === 1) stdout += data.length - 1;
    if (data[0] === 3) status = JSON.parse(data.subarray(1).toString()).status;
  });
  ws.on('close', (code) => (ended = `close ${code}`));
  const channels = await opened;
  await new Promise((resolve) => ws.once('open', resolve)); // pause() does nothing before it
  server.close();
  return {
    channels,
    client: {
      hold(silent) {
        ws.pause();
        if (!silent) pinger = setInterval(() => ws.ping(), heartbeatMs);
      },
      resume() {
        clearInterval(pinger);
        ws.resume();
      },
      stdoutBytes: () => stdout,
      status: () => status,
      ended: () => ended,
      cutOff: () => sandboxSide!.destroyed,
      close: () => ws.terminate(),
    },
    stop: () => {
      clearInterval(pinger);
      transport.close();
    },
  };
}

/** The sandbox's SPDY channels, with a client session that opened stdout and error streams. */
async function overSpdy(): Promise<{ channels: ExecChannels; client: SlowClient; stop(): void }> {
  const [ours, theirs] = await socketPair();
  const server = new SpdySession(theirs, { role: 'server' });
  const serverStreams: SpdyStream[] = [];
  const opened = new Promise<ExecChannels>((resolve) => {
    server.on('stream', (stream: SpdyStream) => {
      stream.reply();
      serverStreams.push(stream);
      if (serverStreams.length === 2) resolve(new SpdyChannels(server, theirs, { error: serverStreams[0], stdout: serverStreams[1] }, 5, heartbeatMs));
    });
  });
  const client = new SpdySession(ours, { role: 'client' });
  let stdout = 0;
  let status = '';
  let ended: string | undefined;
  let pinger: ReturnType<typeof setInterval> | undefined;
  client.on('close', (error?: Error) => (ended = error ? `error ${error.message}` : 'closed'));
  const error = client.openStream({ streamtype: 'error' });
  error.on('error', () => {});
  error.on('data', (chunk: Uint8Array) => (status += Buffer.from(chunk).toString()));
  const out = client.openStream({ streamtype: 'stdout' });
  out.on('error', () => {});
  out.on('data', (chunk: Uint8Array) => (stdout += chunk.length));
  const channels = await opened;
  return {
    channels,
    client: {
      hold(silent) {
        ours.pause();
        if (!silent) pinger = setInterval(() => void client.ping().catch(() => {}), heartbeatMs);
      },
      resume() {
        clearInterval(pinger);
        ours.resume();
      },
      stdoutBytes: () => stdout,
      status: () => (status ? JSON.parse(status).status : undefined),
      ended: () => ended,
      cutOff: () => theirs.destroyed,
      close: () => client.destroy(),
    },
    stop: () => clearInterval(pinger),
  };
}

for (const [name, open] of [['WebSocket', overWebSocket], ['SPDY', overSpdy]] as const) {
  test(`${name}: a client alive but holding its reading past the old closing timers gets every byte and the status`, async () => {
    const { channels, client, stop } = await open();
    let gone: string | undefined;
    channels.onClientGone((reason) => (gone = reason));
    try {
      client.hold();
      channels.stdout(output);
      channels.finish(success);
      await sleep(holdMs);
      assert.is(client.ended(), undefined, 'the connection is still there while the client pings');
      client.resume();
      await waitFor(() => client.status(), 'the status');
      assert.is(client.stdoutBytes(), output.length);
      assert.is(client.status(), 'Success');
      assert.is(gone, undefined);
    } finally {
      stop();
      client.close();
    }
  });

  test(`${name}: a finished exec's client that goes silent is dropped by the heartbeat`, async () => {
    const { channels, client, stop } = await open();
    try {
      client.hold(true);
      channels.stdout(output);
      channels.finish(success);
      // well before any closing timer: the heartbeat (100 ms) judges the silent client
      await waitFor(() => client.cutOff(), 'the silent client cut off', 5_000);
    } finally {
      stop();
      client.close();
    }
  });
}

test.run();

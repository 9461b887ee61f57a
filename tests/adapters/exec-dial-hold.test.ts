// The exec adapter's hold on a cluster that writes faster than the pages read, on each way it
// dials: WebSocket and SPDY, each straight to the cluster and through a kubeconfig's proxy-url
// (an HTTP CONNECT proxy). The cluster here ignores SPDY's windows (as Go's spdystream may), so only
// not reading holds it back. Held, the connection takes in no more than the kernel's buffers (and
// the proxy's) hold, with room; let go, every byte arrives in order. Under Node a paused TLS socket stops
// reading anyway; under Deno it reads on (src/domain/socket-reading.ts), which this catches.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { KubeConfig } from '@kubernetes/client-node';
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ChannelSocketDialer, setReading } from '../../src/adapters/kubernetes/channel-socket.ts';
import { dialSpdy } from '../../src/adapters/kubernetes/spdy-dialer.ts';
import { SpdySession } from '../../src/spdy/session.ts';
import type { SpdyStream } from '../../src/spdy/stream.ts';
import { generateSandboxTls } from '../../src/sandbox/api/tls.ts';
import { oneClusterConfig } from '../support/one-cluster-config.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

const test = suite('exec dial hold');
const pems = await generateSandboxTls();
/**
 * More than the kernel's buffers hold on the way, with room: up to 32 MiB a socket here (tcp_rmem),
 * and 28 MiB was seen through the proxy's two connections under load. A connection that reads on
 * while held takes this in within a few seconds (164–199 MiB in 3 s under Deno, measured).
 */
const HELD_LIMIT = 128 * 2 ** 20;
const CHUNK = 64 * 1024;
const EXEC = '/api/v1/namespaces/a/pods/p/exec?command=yes&stdout=true';

/** What a cluster has written so far, and how to stop: `sent` hashes each byte as it goes. */
interface Flood {
  written: () => number;
  sent: Hash;
  end: () => void;
}

/** An https "cluster" that floods the first exec it gets, over SPDY or WebSocket; `flood` is that flood's. */
async function floodingCluster() {
  const state: { flood?: Flood } = {};
  const server = https.createServer({ key: pems.keyPem, cert: pems.certPem });
  const sockets = new WebSocketServer({ noServer: true, handleProtocols: (offered) => [...offered][0] ?? false });
  server.on('upgrade', (request, socket: Duplex, head: Buffer) => {
    if (request.headers.upgrade !== 'SPDY/3.1') return sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws));
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n');
    // 'auto' flow control: the client sends no WINDOW_UPDATE while it holds, so its windows are ignored
    new SpdySession(socket, { role: 'server', head }).on('stream', (stream: SpdyStream) => {
      stream.reply({});
      state.flood = pump((chunk) => stream.write(chunk), (go) => stream.on('drain', go), () => stream.end());
    });
  });
  sockets.on('connection', (socket) => {
    // ws queues every send: the bytes in its queue are not yet written
    let queued = 0;
    let room: ReturnType<typeof setInterval> | undefined;
    const flood = pump(
      (chunk) => {
        queued += chunk.length;
        socket.send(Buffer.concat([Buffer.of(1), chunk]), () => (queued -= chunk.length));
        return socket.bufferedAmount < 1 << 20;
      },
      (go) => (room = setInterval(() => socket.bufferedAmount < 1 << 20 && go(), 5)),
      () => {
        clearInterval(room);
        socket.close(1000);
      },
    );
    state.flood = { ...flood, written: () => flood.written() - queued };
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { state, port: (server.address() as AddressInfo).port, close: () => (state.flood?.end(), sockets.close(), server.closeAllConnections(), server.close()) };
}

/**
 * Writes numbered chunks while `write` says there is room, again on `onRoom`, until ended. A turn
 * writes at most 1 MiB: a SPDY stream's writes queue unbounded behind its SYN_REPLY until that is out.
 */
function pump(write: (chunk: Buffer) => boolean, onRoom: (go: () => void) => void, finish: () => void): Flood {
  let written = 0;
  let ending = false;
  const sent = createHash('sha256');
  const go = () => {
    for (let turn = 0; !ending; turn++) {
      if (turn === 16) return void setImmediate(go);
      const chunk = Buffer.alloc(CHUNK, (written / CHUNK) % 251);
      sent.update(chunk);
      written += chunk.length;
      if (!write(chunk)) return;
    }
  };
  onRoom(go);
  go();
  return {
    written: () => written,
    sent,
    end: () => {
      ending = true;
      finish();
    },
  };
}

/** An HTTP CONNECT proxy (a kubeconfig's proxy-url) that pipes each tunnel both ways. */
async function connectProxy() {
  const server = net.createServer((client) => {
    client.once('data', (head: Buffer) => {
      const [host, port] = /^CONNECT (\S+):(\d+) /.exec(head.toString('latin1'))!.slice(1);
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        client.pipe(upstream).pipe(client);
      });
      for (const socket of [client, upstream]) socket.on('error', () => (client.destroy(), upstream.destroy()));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

/** What reached the reader: how much, and its hash. */
interface Received {
  bytes: number;
  hash: Hash;
  add(chunk: Uint8Array): void;
}

function received(): Received {
  return {
    bytes: 0,
    hash: createHash('sha256'),
    add(chunk) {
      this.bytes += chunk.length;
      this.hash.update(chunk);
    },
  };
}

/** An exec, dialed held (as the adapter holds a terminal whose pages are behind): how to let it go, its end, how to close it. */
interface HeldExec {
  release(): void;
  ended: Promise<unknown>;
  close(): void;
}

/**
 * Dials `exec` to a flooding cluster (through a CONNECT proxy if `proxied`), held until the
 * cluster's writing stalls (nothing more written for 300 ms) or passes the limit; then ended and let go.
 */
async function holds(proxied: boolean, exec: (config: KubeConfig, into: Received) => Promise<HeldExec>): Promise<void> {
  const cluster = await floodingCluster();
  const proxy = proxied ? await connectProxy() : undefined;
  const got = received();
  let held: HeldExec | undefined;
  try {
    const server = `https://127.0.0.1:${cluster.port}`;
    held = await exec(oneClusterConfig({ server, caData: Buffer.from(pems.caPem).toString('base64'), proxyUrl: proxy?.url }), got);
    const flood = await waitFor(() => cluster.state.flood, 'the cluster to start writing');
    let last = -1;
    let since = performance.now();
    await waitFor(() => {
      const written = flood.written();
      if (written !== last) [last, since] = [written, performance.now()];
      return written > HELD_LIMIT || performance.now() - since > 300;
    }, 'the cluster to stall or pass the limit');
    assert.ok(flood.written() <= HELD_LIMIT, `held, the connection took ${flood.written()} bytes`);
    flood.end();
    held.release();
    await withTimeout(held.ended, 30_000, 'the flood to end once let go');
    assert.is(got.bytes, flood.written(), 'let go, all of it came');
    assert.is(got.hash.digest('hex'), flood.sent.digest('hex'), 'in order');
  } finally {
    held?.close();
    proxy?.close();
    cluster.close();
  }
}

async function spdy(config: KubeConfig, into: Received): Promise<HeldExec> {
  const { session } = await dialSpdy(config, EXEC);
  const stdout = session.openStream({ streamtype: 'stdout' });
  stdout.pause(); // the adapter's pause pauses its streams
  stdout.on('data', (chunk: Uint8Array) => into.add(chunk));
  return { release: () => stdout.resume(), ended: once(stdout, 'end'), close: () => session.destroy() };
}

async function webSocket(config: KubeConfig, into: Received): Promise<HeldExec> {
  const socket = await new ChannelSocketDialer(config).connect(EXEC, null, (channel, payload) => {
    assert.is(channel, 1);
    into.add(payload);
    return true;
  });
  setReading(socket, false); // as the adapter's pause does
  return { release: () => setReading(socket, true), ended: once(socket, 'close'), close: () => socket.terminate() };
}

test('SPDY straight to the cluster: held, it takes in no more than the socket buffers hold; let go, every byte in order', async () => {
  await holds(false, spdy);
});

test("SPDY through a kubeconfig's proxy-url: held the same", async () => {
  await holds(true, spdy);
});

test('WebSocket straight to the cluster: held the same', async () => {
  await holds(false, webSocket);
});

test("WebSocket through a kubeconfig's proxy-url: held the same", async () => {
  await holds(true, webSocket);
});

test.run();

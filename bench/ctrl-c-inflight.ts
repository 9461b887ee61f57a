// Where the bytes drawn after Ctrl-C under `yes` wait (issue #20, goal 2):
//   npx tsx bench/ctrl-c-inflight.ts [MB/s the page draws=8] [rounds=3]
// Starts the bench's three processes (bench/terminals.ts) and plays a page that draws (and acks)
// at a set rate, as xterm.js does at figure 8's rendering rate, and attaches as the page does (a
// page that lags is caught up with the screen). Each round runs `yes` for 3 s,
// reads the kernel's queues of both connections (`ss`: what the cluster side has sent and the
// server has not read, what the server sent the page and it has not read) at the moment Ctrl-C
// goes out, then counts the bytes that still arrive before the prompt. Not a figure: it says which
// buffer figure 8's Ctrl-C time is spent draining. The queues are bytes, not times, so they hold
// on a busy machine.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import WebSocket from 'ws';
import { SocketClient } from '../src/protocol/socket-client.ts';
import { inTarget, startBenchApp } from './terminals.ts';

const rate = Number(process.argv[2] ?? 8) * 1e6;
const rounds = Number(process.argv[3] ?? 3);
if (!(rate > 0) || !(rounds > 0)) throw new Error('usage: npx tsx bench/ctrl-c-inflight.ts [MB/s the page draws] [rounds]');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const encode = (text: string) => new TextEncoder().encode(text);

const bench = await startBenchApp();
const { app } = bench;
try {
  const clusterPort = new URL(/server: "?([^"\s]+)/.exec(readFileSync(app.kubeconfigPath, 'utf8'))![1]).port;
  const serverPort = new URL(app.url).port;
  const origin = new URL(app.url).origin;
  const PageSocket = class extends WebSocket {
    constructor(url: string) {
      super(url, { origin, headers: { Authorization: `Bearer ${app.token}` } });
    }
  } as unknown as new (url: string) => globalThis.WebSocket;
  const socket = new SocketClient({ url: app.socketUrl, WebSocket: PageSocket, mayRetry: async () => false });
  const hello = new Promise<void>((resolve) => socket.onMessage((message) => message.type === 'hello' && resolve()));
  socket.connect();
  await hello;
  const [sessionId] = await bench.client.exec(inTarget(['sh'], true));
  let received = 0;
  let tail = '';
  let drawnUntil = 0;
  socket.resize(sessionId, 120, 40);
  socket.attach(sessionId, {
    // drawn at `rate`, one chunk after the other, acknowledged once drawn (xterm's write callback)
    output: (bytes, _channel, written) => {
      received += bytes.length;
      tail = (tail + Buffer.from(bytes).toString('latin1')).slice(-200);
      const now = performance.now();
      drawnUntil = Math.max(now, drawnUntil) + (bytes.length / rate) * 1000;
      setTimeout(written, drawnUntil - now);
    },
    error: (message) => {
      throw new Error(`the server refused something: ${message}`);
    },
  }, { screen: true }); // as the page attaches a terminal: for its screen, so it is caught up with the screen when it lags
  const prompt = async (shown = /P> $/) => {
    while (!shown.test(tail)) await sleep(5);
  };
  await prompt(/[$#] $/);
  socket.input(sessionId, encode("PS1='P''> '\r"));
  await prompt();
  /** each connection's queues, by the side that holds them */
  const queues = () => {
    const held: Record<string, number> = {};
    for (const line of execFileSync('ss', ['-tnH'], { encoding: 'utf8' }).split('\n')) {
      const [, recvQ, sendQ, local, peer] = line.trim().split(/\s+/);
      if (!local) continue;
      const port = (address: string) => address.slice(address.lastIndexOf(':') + 1);
      if (port(peer) === clusterPort) held['server: read from the cluster, not yet taken'] = (held['server: read from the cluster, not yet taken'] ?? 0) + Number(recvQ);
      if (port(local) === clusterPort) held['cluster: sent, not yet read by the server'] = (held['cluster: sent, not yet read by the server'] ?? 0) + Number(sendQ);
      if (port(local) === serverPort) held['server: sent to the page, not yet read'] = (held['server: sent to the page, not yet read'] ?? 0) + Number(sendQ);
      if (port(peer) === serverPort) held['page: received, not yet read'] = (held['page: received, not yet read'] ?? 0) + Number(recvQ);
    }
    return held;
  };
  for (let round = 1; round <= rounds; round++) {
    tail = '';
    socket.input(sessionId, encode(`yes '${'y'.repeat(70)}'\r`));
    await sleep(3_000);
    const held = queues();
    const before = received;
    const sent = performance.now();
    socket.input(sessionId, new Uint8Array([3]));
    await prompt();
    const after = received - before;
    console.log(`round ${round}: ${(after / 1e6).toFixed(2)} MB drawn after Ctrl-C, prompt after ${(performance.now() - sent).toFixed(0)} ms (the page draws ${rate / 1e6} MB/s)`);
    for (const [where, bytes] of Object.entries(held)) console.log(`  ${where}: ${(bytes / 1e6).toFixed(2)} MB`);
    const kernel = Object.values(held).reduce((a, b) => a + b, 0);
    // a page caught up with the screen skips bytes that were queued: then what it drew is less than the queues held
    if (after >= kernel) console.log(`  elsewhere (the cluster's own queue and PTY, the adapter, the hub's unacked bytes): ${((after - kernel) / 1e6).toFixed(2)} MB`);
    else console.log(`  less was drawn than the queues held: the page was caught up with the screen past ${((kernel - after) / 1e6).toFixed(2)} MB of them`);
  }
  socket.close();
} finally {
  await bench.close();
}
process.exit(0);

// A page's input frames for a terminal another replica holds go through the replica in front
// (relay.ts). They were relayed uncharged and counted only by their bytes: a one-byte frame cost
// the rate nothing there and the link's bound ~40 bytes, though each is a write (closures, a
// buffer) while it waits: 1.2 M one-byte frames to a holder that read nothing grew the replica in
// front by 42 MB before it refused any (helper-209). The replica in front charges the page's input
// rate as the holder charges its own sockets, and counts each frame at least that in the bound.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { Relay } from '../../src/server/replicas/relay.ts';
import type { ReplicaPeers } from '../../src/server/replicas/replica-peers.ts';
import { FrameKind, encodeFrame } from '../../src/protocol/frames.ts';
import { INPUT_FRAME_MIN_COST } from '../../src/protocol/input-pacing.ts';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { StreamClient } from './support.ts';
import { replica, shellListedByBoth } from './replica-pair.ts';
import { recordingSocket } from './data-plane-stand-in.ts';

const test = suite('replicas: input frames relayed', { deadlineMs: 120_000 });

test('the replica in front charges the page for each frame, at least the floor, before it relays it', async () => {
  const sandbox = await startTestSandbox();
  const log = new MemoryLog();
  const a = await replica(log, sandbox.kubeconfigPath);
  const b = await replica(log, sandbox.kubeconfigPath, { hub: { inputBytesPerSecond: 1024 } }); // a burst of 4 KiB: 16 frames
  const page = await StreamClient.open(b);
  try {
    const id = await shellListedByBoth(a, b);
    await page.attach(id, { from: 0, ack: true });
    const seen = page.messages.length;
    const frame = encodeFrame(FrameKind.Input, id, Uint8Array.of(0x20));
    for (let i = 0; i < 2_000; i++) page.ws.send(frame); // 2,000 bytes, 500 KiB at the floor: far within the holder's rate
    const refused = await page.next('error', (m) => m.sessionId === id && m.code === 'rateLimited', 'the frames over the rate refused', seen, 20_000);
    assert.match(refused.message, /faster than 1024 bytes a second/, "refused by the replica in front, at its rate (the holder's is 4 MiB/s)");
  } finally {
    await page.close();
    await b.close();
    await a.close();
    await sandbox.close();
  }
});

test('a holder that reads nothing: one-byte frames wait for it counted at the floor each, refused past the bound', async () => {
  const holder = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => holder.once('listening', resolve));
  let attached = false;
  holder.on('connection', (ws, req) => ws.once('message', () => void ((attached = true), req.socket.pause()))); // reads the attach, then nothing
  const port = (holder.address() as AddressInfo).port;
  const peers = { advertise: () => `http://127.0.0.1:${port}`, voucher: () => ({}), watch: { tick: async () => {} } } as unknown as ReplicaPeers;
  const relay = new Relay(peers, { local: () => {}, leaseMs: 60_000 });
  const { socket: page, got } = recordingSocket();
  try {
    relay.message(page, { type: 'attach', sessionId: 't1', from: 0, ack: true }, 'A');
    await waitFor(() => attached, 'the link open, its attach read');
    const frame = encodeFrame(FrameKind.Input, 't1', Uint8Array.of(0x20));
    let sent = 0;
    // in one turn: what the socket writes out meanwhile is not told written before the loop ends
    while (sent < 200_000 && !got.some((m) => 'type' in m && m.type === 'error')) sent += (relay.input(page, frame, 't1', 'A'), 1);
    const bound = (4 * 1024 * 1024) / INPUT_FRAME_MIN_COST; // relay.ts: MAX_WAITING_BYTES
    // a little over: those the kernel took meanwhile cost their floor less their few bytes; by their bytes alone, ~5 a frame, hundreds of thousands
    assert.ok(sent < 1.1 * bound, `${sent} one-byte frames were taken for the holder before one was refused (at the floor each, ${bound} fit the bound)`);
    assert.match((got.find((m) => 'type' in m && m.type === 'error') as { message: string }).message, /replica/);
  } finally {
    relay.close();
    for (const client of holder.clients) client.terminate();
    await new Promise((resolve) => holder.close(resolve));
  }
});

test.run();

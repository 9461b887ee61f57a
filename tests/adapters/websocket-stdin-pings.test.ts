// How the WebSocket adapter learns that stdin has gone when the cluster holds its reading (its
// process's input full): one ping at a time behind the full send buffer, never one per write. Every
// write of the user's input now waits to be told (src/runtime/terminal-io.ts counts what has not
// gone), and a ping per write reached a cluster that read again as a burst of pings: past 60 pongs
// it had not yet written, ws ends the connection (maxPendingAutoPongs; CI136: a 10 MB paste, 1006).
// A fake cluster that stops reading, then reads again.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Socket } from 'node:net';
import { WebSocketExecAdapter } from '../../src/adapters/kubernetes/websocket-exec.ts';
import { fakeCluster } from './fake-cluster.ts';
import { runExec } from '../support/exec-run.ts';
import { waitFor } from '../support/wait.ts';

test('stdin written behind a cluster that reads nothing: one ping out at a time; each write told once, in order, when it has gone', async () => {
  let raw: Socket | undefined;
  let pings = 0;
  let stdinBytes = 0;
  const cluster = await fakeCluster({
    websocket: (ws) => {
      raw = (ws as unknown as { _socket: Socket })._socket;
      raw.pause(); // its process takes no input: the cluster reads nothing for now
      ws.on('ping', () => pings++);
      ws.on('message', (data: Buffer) => {
        if (data[0] === 0) stdinBytes += data.length - 1;
      });
    },
  });
  const writes = 256;
  const piece = new Uint8Array(64 * 1024).fill(0x61);
  const told: number[] = [];
  let stream: import('../../src/adapters/exec.ts').ExecStream | undefined;
  const run = runExec(new WebSocketExecAdapter(cluster.contexts), { argv: ['cat'], stdin: true }, (s) => (stream = s));
  try {
    await waitFor(() => stream && raw, 'the exec open');
    for (let i = 0; i < writes; i++) stream!.write(piece, () => told.push(i));
    // the socket's buffer fills (the kernel's, then ws's past a MiB): the writes wait to be told
    await new Promise((resolve) => setTimeout(resolve, 300)); // every write had its turn to ask
    assert.ok(told.length < writes, 'the cluster read nothing: not all gone');
    raw!.resume();
    await waitFor(() => told.length === writes, 'every write told once the cluster read', 20_000);
    await waitFor(() => stdinBytes === writes * piece.length, 'all of stdin read by the cluster');
    assert.equal(told, Array.from({ length: writes }, (_, i) => i), 'each once, in order');
    assert.ok(pings <= 8, `${pings} pings reached the cluster for ${writes} writes`);
  } finally {
    run.stream.close();
    await run.ended;
    cluster.close();
  }
});

test.run();

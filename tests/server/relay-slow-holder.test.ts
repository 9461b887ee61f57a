// A holder that stops reading (paused, or a node in trouble: its pings go unanswered for up to a
// minute before the link is cut) must not make the replica in front hold whatever a page sends
// it: past a bound, the page's input is refused with `rateLimited`, as the holder itself would.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { connect, createServer, type Socket } from 'node:net';
import { freePort } from '../support/free-port.ts';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { StreamClient } from './support.ts';
import { replica, shellListedByBoth } from './replica-pair.ts';

const test = suite('replicas: a holder that stops reading', { deadlineMs: 90_000 });

/** A TCP forwarder to `target` whose connections can be made to stop reading both ways (a paused process). */
async function startStaller(target: number) {
  const pairs: [Socket, Socket][] = [];
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) socket.on('error', () => {});
    client.pipe(upstream).pipe(client);
    pairs.push([client, upstream]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    stall: () => {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
      return pairs.length;
    },
    close: async () => {
      for (const pair of pairs) for (const socket of pair) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

test('input relayed to a holder that reads nothing is refused past a bound, not held', async () => {
  const sandbox = await startTestSandbox();
  const log = new MemoryLog();
  const portA = await freePort();
  const staller = await startStaller(portA);
  const a = await replica(log, sandbox.kubeconfigPath, { port: portA, reachedAt: staller.port });
  const b = await replica(log, sandbox.kubeconfigPath);
  const pages: StreamClient[] = [];
  try {
    const id = await shellListedByBoth(a, b);
    const page = await StreamClient.open(b);
    pages.push(page);
    await page.attach(id, { from: 0, ack: true });
    assert.ok(staller.stall() > 0, 'the relay link goes through the staller');

    const seen = page.messages.length;
    const chunk = new Uint8Array(200 * 1024).fill(0x20);
    // 40 MB: more than the kernel's buffers on the way take, many times over
    for (let i = 0; i < 200; i++) page.type(id, chunk);
    const refused = await page.next('error', (m) => m.sessionId === id && m.code === 'rateLimited', 'the input refused at the replica in front', seen, 20_000);
    assert.match(refused.message, /replica/);
  } finally {
    for (const page of pages) await page.close();
    await staller.close();
    await b.close();
    await a.close();
    await sandbox.close();
  }
});

test.run();

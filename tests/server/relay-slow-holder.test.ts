// A holder that stops reading (paused, or a node in trouble: its pings go unanswered for up to a
// minute before the link is cut) must not make the replica in front hold whatever a page sends
// it: past a bound, the page's input is refused with `rateLimited`, as the holder itself would.
// A detach is not refused with it: a few bytes that end what waits rather than add to it, and a
// detach the holder never heard of would leave it a viewer for a page that left, which, for one
// that holds the producer, pauses the terminal for everyone.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { connect, createServer, type Socket } from 'node:net';
import { waitFor } from '../support/wait.ts';
import { StreamClient, type TestApp } from './support.ts';
import { shellListedByBoth, withTwoReplicas } from './replica-pair.ts';

const test = suite('replicas: a holder that stops reading', { deadlineMs: 120_000 });

/** A TCP forwarder (in front of A: replica-pair.ts's InFrontOfA) whose connections can stop reading both ways (a paused process), then go on. */
async function startStaller() {
  const pairs: [Socket, Socket][] = [];
  let target = 0;
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) socket.on('error', () => {});
    client.pipe(upstream).pipe(client);
    pairs.push([client, upstream]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    forwardTo: (port: number) => void (target = port),
    stall: () => {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
      return pairs.length;
    },
    resume: () => {
      for (const [client, upstream] of pairs) {
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
        upstream.resume();
      }
    },
    close: async () => {
      for (const pair of pairs) for (const socket of pair) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Replicas A (the holder, behind a staller) and B, as withTwoReplicas runs them; the staller closes after them. */
async function withStalledHolder(body: (a: TestApp, b: TestApp, staller: Staller, pages: StreamClient[]) => Promise<void>): Promise<void> {
  const staller = await startStaller();
  try {
    await withTwoReplicas((a, b, pages) => body(a, b, staller, pages), staller);
  } finally {
    await staller.close();
  }
}
type Staller = Awaited<ReturnType<typeof startStaller>>;

test('input relayed to a holder that reads nothing is refused past a bound, not held', async () => {
  await withStalledHolder(async (a, b, staller, pages) => {
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
  });
});

test('the holder lets the viewer go once it reads again', async () => {
  await withStalledHolder(async (a, b, staller, pages) => {
    const id = await shellListedByBoth(a, b);
    const page = await StreamClient.open(b);
    pages.push(page);
    await page.attach(id, { from: 0, ack: true });
    assert.is(a.hub.stats(id)?.viewers.length, 1, 'one relayed viewer on the holder');
    assert.ok(staller.stall() > 0, 'the relay link goes through the staller');
    // a paste the holder does not read fills what may wait for it
    const seen = page.messages.length;
    const chunk = new Uint8Array(200 * 1024).fill(0x20);
    for (let i = 0; i < 200; i++) page.type(id, chunk);
    // then keys, one at a time: what may wait fills to the last few bytes
    for (let i = 0; i < 10_000; i++) page.type(id, 'x');
    await page.next('error', (m) => m.sessionId === id && m.code === 'rateLimited', 'the input refused at the replica in front', seen, 20_000);
    // the replica in front has read the whole paste (and refused most of it); the holder still reads nothing
    await waitFor(() => page.ws.bufferedAmount === 0, 'the paste read by the replica in front', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // the tab is done with the terminal
    const before = page.messages.length;
    page.send({ type: 'detach', sessionId: id });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    staller.resume();
    await waitFor(() => a.hub.stats(id)?.viewers.length === 0, 'the holder let the viewer of the page that detached go', 30_000);
    // and the detach is answered (relay.ts: "A detach is answered as on the holder")
    await page.next('detached', (m) => m.sessionId === id, 'the detach answered', before, 10_000);
  });
});

test.run();

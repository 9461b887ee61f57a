// Pod lists and alerts go to a socket as the newest only (HubSocket.sendLatest): a page that reads
// slowly during a rollout gets the list in flight and then the last one, not every list between,
// each of which would wait in the server's memory. Other messages keep every one, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { ServerMessage } from '../../src/protocol/socket-messages.ts';
import { LOCAL_CALLER } from '../../src/server/caller.ts';
import { waitFor } from '../support/wait.ts';
import { clientTcp, openSocketPair } from './hub-socket-pair.ts';

// large bounds: this test holds the client's reading on purpose
const openPair = () => openSocketPair(LOCAL_CALLER, { maxUnreadMessages: 256 << 20 });

const podList = (n: number): ServerMessage => ({ type: 'pods', namespace: 'default', pods: Array.from({ length: n }, (_, i) => ({ name: `web-${i}` })) as never });

test('while a pod list waits unwritten, later lists replace each other: the page gets the one in flight and the newest', async () => {
  const pair = await openPair();
  try {
    clientTcp(pair.client).pause();
    // the socket's buffers full: what is sent now waits in the server
    pair.socket.send({ type: 'error', code: 'badMessage', message: 'x'.repeat(16 << 20) });
    for (let n = 1; n <= 50; n++) pair.socket.sendLatest('pods default', podList(n));
    pair.socket.sendLatest('alerts', { type: 'alerts', alerts: [] });
    pair.socket.send({ type: 'pong', id: 1 });
    pair.socket.send({ type: 'pong', id: 2 });
    clientTcp(pair.client).resume();
    await waitFor(() => lastPods(pair.received) === 50 && pair.received.some((m) => m.type === 'pong' && m.id === 2), 'the newest pod list and the last pong', 20_000);
    const lists = pair.received.filter((m) => m.type === 'pods').map(countPods);
    assert.equal(lists, [1, 50], 'the list in flight, then the newest');
    assert.equal(pair.received.filter((m) => m.type === 'pong').map((m) => (m as { id: number }).id), [1, 2], 'other messages every one, in order');
    assert.is(pair.received.filter((m) => m.type === 'alerts').length, 1, 'another key is its own');
  } finally {
    await pair.close();
  }
});

test('once the list in flight is written, the next goes at once: nothing is held back from a page that reads', async () => {
  const pair = await openPair();
  try {
    for (let n = 1; n <= 3; n++) {
      pair.socket.sendLatest('pods default', podList(n));
      await waitFor(() => lastPods(pair.received) === n, `list ${n}`, 5_000);
    }
    assert.equal(pair.received.filter((m) => m.type === 'pods').map(countPods), [1, 2, 3]);
  } finally {
    await pair.close();
  }
});

const countPods = (m: ServerMessage) => (m as { pods: unknown[] }).pods.length;
const lastPods = (messages: ServerMessage[]) => {
  const last = messages.filter((m) => m.type === 'pods').at(-1);
  return last ? countPods(last) : 0;
};

test.run();

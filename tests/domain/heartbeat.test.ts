// The heartbeat rule on its own, against a peer over a real loopback socket in this process (as
// the sandbox and a test's client are): a loop held past the deadline never drops a peer that
// answers, and a peer that stays silent while we are free to read is dropped.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type net from 'node:net';
import { Heartbeat, type HeartbeatOptions } from '../../src/domain/heartbeat.ts';
import { socketPair } from '../spdy/helpers.ts';
import { blockEventLoop } from '../support/block-loop.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('heartbeat: silence counted while we could read');
const intervalMs = 50;

interface Probe {
  heartbeat: Heartbeat;
  pings: number;
  answers: number;
  gone: boolean;
  ours: net.Socket;
  peer: net.Socket;
}

/** A heartbeat whose pings are bytes to `peer`, and whose peer's bytes are heard. */
async function probe(options: Partial<HeartbeatOptions> & { answers?: boolean; onPing?: () => void } = {}): Promise<Probe> {
  const [ours, peer] = await socketPair();
  const p = { pings: 0, answers: 0, gone: false, ours, peer } as Probe;
  if (options.answers !== false) peer.on('data', (chunk) => peer.write(chunk));
  p.heartbeat = new Heartbeat({
    intervalMs,
    ping: () => {
      p.pings++;
      ours.write('p');
      options.onPing?.();
    },
    gone: () => (p.gone = true),
    ...options,
  });
  ours.on('data', () => {
    p.answers++;
    p.heartbeat.heard();
  });
  return p;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const done = (p: Probe) => {
  p.heartbeat.stop();
  p.ours.destroy();
  p.peer.destroy();
};

test('a loop held for ten intervals right after a ping keeps a peer that answers', async () => {
  // The stall starts before the peer (in this process) could read the ping, and the check comes
  // due during it: a wall-clock rule finds no answer and drops a live peer.
  let stalls = 0;
  const p = await probe({ onPing: () => stalls++ < 3 && blockEventLoop(10 * intervalMs) });
  try {
    await waitFor(() => stalls > 3 && p.answers >= 5, 'pings answered after three stalls', 10_000);
    assert.is(p.gone, false);
  } finally {
    done(p);
  }
});

test('a loop held while the answer sits unread in our socket keeps the peer', async () => {
  let stalls = 0;
  const p = await probe();
  // The peer has answered; the loop stalls before we read it, past the next check.
  p.peer.on('data', () => stalls++ < 3 && blockEventLoop(10 * intervalMs));
  try {
    await waitFor(() => stalls > 3 && p.answers >= 5, 'answers after three stalls', 10_000);
    assert.is(p.gone, false);
  } finally {
    done(p);
  }
});

/** A path of `hops` loopback sockets in this process, ending in `last`, as the sandbox relays a pod's answer. */
async function relay(hops: number, last: net.Socket): Promise<{ entry: net.Socket; sockets: net.Socket[] }> {
  let next = last;
  const sockets: net.Socket[] = [];
  for (let i = 0; i < hops; i++) {
    const [near, far] = await socketPair();
    const onward = next;
    far.on('data', (chunk) => onward.write(chunk));
    sockets.push(near, far);
    next = near;
  }
  return { entry: next, sockets };
}

/**
 * Six rounds of a silent peer whose answer is sent over `hops` sockets as our loop stalls for
 * `stallMs`, at the heartbeat's `look`-th look at it (1: the check that finds the silence, 2: the
 * grace's end, as the settle begins): the peer must be kept.
 */
async function answerSentAsTheLoopStalls(hops: number, look: number, stallMs: number): Promise<void> {
  for (let round = 0; round < 6; round++) {
    let looks = 0;
    let pingsAtStall: number | undefined;
    let path: Awaited<ReturnType<typeof relay>> | undefined;
    const p = await probe({
      answers: false,
      holding: () => {
        if (!path) return true; // the path is still being laid: no verdict yet
        if (++looks === look) {
          pingsAtStall = p.pings;
          const entry = path.entry;
          queueMicrotask(() => {
            entry.write('a');
            blockEventLoop(stallMs);
          });
        }
        return false;
      },
    });
    path = await relay(hops, p.peer);
    try {
      await waitFor(() => (pingsAtStall !== undefined && p.pings > pingsAtStall) || p.gone, 'the grace judged', 5_000);
      if (p.gone) {
        // Says which of two faults it was: a verdict come too soon, or an answer lost on its way.
        const late = await waitFor(() => p.answers > 0, 'the answer after a verdict of gone', 1_000).then(() => true, () => false);
        assert.unreachable(`round ${round}: the peer dropped, its answer ${late ? 'read only after the verdict' : 'not read within 1 s after it'}`);
      }
    } finally {
      done(p);
      path.sockets.forEach((s) => s.destroy());
    }
  }
}

for (const hops of [0, 8]) {
  // The check finds silence and gives its grace; the answer is sent and the loop stalls past the
  // grace's end (not long enough to call the grace late). The runtime may then run the grace's
  // timer before it reads what arrived, and a relayed answer needs a turn of the loop per hop: the
  // verdict must wait for those reads.
  test(`a loop stalled across the grace, with an answer ${hops ? `relayed over ${hops} sockets` : 'sitting unread in our socket'}, keeps the peer`, () =>
    answerSentAsTheLoopStalls(hops, 1, 1.5 * intervalMs));
}

// The grace ends with the answer on its way through 8 sockets, and the process is not run for
// longer than a settle's worth of time, though not long enough to call it late (a busy machine;
// a stalled loop here): what is due when it runs again must not be the verdict.
test('a loop stalled as the settle begins, with an answer relayed over 8 sockets, keeps the peer', () => answerSentAsTheLoopStalls(8, 2, 0.6 * intervalMs));

test('a silent peer is dropped, once, within a few intervals', async () => {
  const p = await probe({ answers: false });
  try {
    await waitFor(() => p.gone, 'the silent peer dropped', 5_000);
    const pings = p.pings;
    await sleep(4 * intervalMs);
    assert.is(p.pings, pings, 'the heartbeat stopped with its verdict');
  } finally {
    done(p);
  }
});

test('a peer silent while we hold our reading is kept, and dropped once we read again', async () => {
  let holding = true;
  const p = await probe({ answers: false, holding: () => holding });
  try {
    await waitFor(() => p.pings >= 6, 'six intervals held', 5_000);
    assert.is(p.gone, false);
    holding = false;
    await waitFor(() => p.gone, 'the silent peer dropped once no longer held', 5_000);
  } finally {
    done(p);
  }
});

test('deadAfterMs of several intervals: a stall longer than it is one interval, silence over it is not', async () => {
  let stalled = false;
  // the peer answers nothing, but a byte of its own arrives before the stall
  const p = await probe({ answers: false, deadAfterMs: 4 * intervalMs });
  try {
    p.peer.write('hello');
    await waitFor(() => p.answers > 0, 'the peer heard');
    setTimeout(() => {
      blockEventLoop(10 * intervalMs);
      stalled = true;
    }, 0);
    await waitFor(() => stalled, 'the stall');
    assert.is(p.gone, false, 'a stall of ten intervals counts as one');
    await waitFor(() => p.gone, 'the silent peer dropped after four intervals of silence', 5_000);
  } finally {
    done(p);
  }
});

test.run();

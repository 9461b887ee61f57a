// A client that stopped reading and acknowledges far more than it was sent (SECURITY.md item 5):
// shared by the flow-control tests on one server and through a replica's relay.
import * as assert from 'uvu/assert';
import type { Socket } from 'node:net';
import type { SessionStreamStats } from '../../src/server/stream-viewers.ts';
import type { StreamClient } from './support.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Holds `cheat`'s reading and has it ack 1e15 bytes every 5 ms; asserts that `stats` (the
 * producer's stream) comes to stay paused, is still paused two seconds of lies later, and took
 * less than LIED_BOUND all told since the reading stopped (unpaused, `yes` sends that in a second
 * or two, and goes on).
 */
export async function assertLiesHoldNothing(cheat: StreamClient, sessionId: string, stats: () => SessionStreamStats | undefined): Promise<void> {
  const tcp = (cheat.ws as unknown as { _socket: Socket })._socket;
  tcp.pause();
  const stopped = stats()!.end;
  const lie = setInterval(() => cheat.send({ type: 'ack', sessionId, bytes: 1e15 }), 5);
  try {
    // paused for good once the kernel's socket buffers are full: loopback's grow as it tunes them
    // (here up to 4 MiB sent and 32 MiB received a socket, more with a relay's second socket), so
    // until then a pause for unacknowledged bytes may come and go between the lies
    let last = -1;
    await waitFor(
      async () => {
        await new Promise((r) => setTimeout(r, 300));
        const now = stats()!;
        const still = now.paused && now.end === last;
        last = now.end;
        return still;
      },
      'the upstream to stay paused',
      30_000,
    );
    await new Promise((r) => setTimeout(r, 2000));
    const later = stats()!;
    assert.ok(later.paused, 'still paused');
    assert.ok(later.end - stopped < LIED_BOUND, `${later.end - stopped} bytes went out after the reading stopped`);
  } finally {
    clearInterval(lie);
    tcp.resume();
  }
}

/** what the socket buffers between the producer and a client that stopped reading can take, with room: the flow control's watermarks are far below */
const LIED_BOUND = 96 * 1024 * 1024;

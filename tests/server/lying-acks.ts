// A client that stopped reading and acknowledges far more than it was sent (SECURITY.md item 5):
// shared by the flow-control tests on one server and through a replica's relay.
import * as assert from 'uvu/assert';
import type { Socket } from 'node:net';
import type { SessionStreamStats } from '../../src/server/stream-viewers.ts';
import type { StreamClient } from './support.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Holds `cheat`'s reading and has it ack 1e15 bytes every 5 ms; asserts that `stats` (the
 * producer's stream) is paused for good once the socket buffers are full, and takes under 2 MiB in
 * two seconds of lies (unpaused, `yes` sends tens of MB).
 */
export async function assertLiesHoldNothing(cheat: StreamClient, sessionId: string, stats: () => SessionStreamStats | undefined): Promise<void> {
  const tcp = (cheat.ws as unknown as { _socket: Socket })._socket;
  tcp.pause();
  const lie = setInterval(() => cheat.send({ type: 'ack', sessionId, bytes: 1e15 }), 5);
  try {
    // paused for good once the kernel's socket buffers are full (loopback's grow as it tunes them):
    // until then a short pause for unacknowledged bytes may come and go between the lies
    let last = -1;
    const atPause = await waitFor(
      async () => {
        await new Promise((r) => setTimeout(r, 300));
        const now = stats()!;
        const still = now.paused && now.end === last;
        last = now.end;
        return still && now;
      },
      'the upstream to stay paused',
      30_000,
    );
    await new Promise((r) => setTimeout(r, 2000));
    const later = stats()!;
    assert.ok(later.paused, 'still paused');
    assert.ok(later.end - atPause.end < 2 * 1024 * 1024, `${later.end - atPause.end} bytes arrived while paused`);
  } finally {
    clearInterval(lie);
    tcp.resume();
  }
}

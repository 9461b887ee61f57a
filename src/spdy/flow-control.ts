// SPDY/3.1 flow control arithmetic, for one stream or for the whole session (stream 0).
// Sending: spend what the peer allowed, grow on its WINDOW_UPDATE. Receiving: count what our
// consumer has taken and give it back in batches, so a slow reader slows the peer down.

/** SPDY/3.1's starting window for every stream and for the session, both directions. */
export const DEFAULT_INITIAL_WINDOW_SIZE = 64 * 1024;
/** Windows are 31-bit; a WINDOW_UPDATE that pushes one past this is a flow-control error. */
export const MAX_WINDOW_SIZE = 0x7fffffff;

/** How much we may still send. It can go negative when the peer shrinks the initial window. */
export class SendWindow {
  constructor(private size: number) {}

  get available(): number {
    return this.size;
  }

  spend(bytes: number): void {
    this.size -= bytes;
  }

  /** Returns false (and changes nothing) when the peer would overflow the 31-bit window. */
  grow(delta: number): boolean {
    if (this.size + delta > MAX_WINDOW_SIZE) return false;
    this.size += delta;
    return true;
  }
}

/** Bytes our consumer took that the peer does not know about yet. */
export class ReceiveWindow {
  private unreported = 0;

  constructor(readonly size: number) {}

  /**
   * Records `bytes` taken by the consumer; returns the WINDOW_UPDATE delta to send now, or 0.
   * Waiting for half a window keeps updates rare without ever letting the peer stall: it always
   * has at least half a window left.
   */
  consume(bytes: number): number {
    this.unreported += bytes;
    if (this.unreported < this.size / 2) return 0;
    const delta = this.unreported;
    this.unreported = 0;
    return delta;
  }
}

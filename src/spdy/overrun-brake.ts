// The last brake on a peer that sends more than we can take: while any reason holds, the session
// stops reading its socket, so that TCP holds the peer back; reading starts again once none does.
// The reasons: a stream holding more unread data than its window (a peer that ignores our windows),
// and the session's own backlogs (answers the peer does not read, frames waiting behind zlib).

/** how a session stops and restarts reading its socket */
export interface SocketReading {
  stop(): void;
  start(): void;
}

export class OverrunBrake {
  private readonly held = new Set<object>();

  constructor(
    private readonly window: number,
    private readonly reading: SocketReading,
  ) {}

  /** Data arrived for `stream`, which now holds `unread` bytes its reader has not taken. */
  received(stream: object, unread: number): void {
    if (unread > this.window) this.hold(stream);
  }

  /** `stream`'s reader took some of it (`unread` left), or the stream went (0). */
  drained(stream: object, unread: number): void {
    if (unread <= this.window) this.release(stream);
  }

  /** Stop reading for `reason` (once, however often it is said) until it is released. */
  hold(reason: object): void {
    if (this.held.has(reason)) return;
    this.held.add(reason);
    if (this.held.size === 1) this.reading.stop();
  }

  release(reason: object): void {
    if (this.held.delete(reason) && this.held.size === 0) this.reading.start();
  }
}

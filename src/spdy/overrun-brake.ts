// The last brake on a peer that ignores our windows: while any stream holds more unread data than
// its window, the session stops reading its socket, so that TCP holds the peer back. Reading
// starts again once every such stream has drained to its window, or gone.

/** how a session stops and restarts reading its socket */
export interface SocketReading {
  stop(): void;
  start(): void;
}

export class OverrunBrake {
  private readonly overrun = new Set<object>();

  constructor(
    private readonly window: number,
    private readonly reading: SocketReading,
  ) {}

  /** Data arrived for `stream`, which now holds `unread` bytes its reader has not taken. */
  received(stream: object, unread: number): void {
    if (unread <= this.window || this.overrun.has(stream)) return;
    this.overrun.add(stream);
    if (this.overrun.size === 1) this.reading.stop();
  }

  /** `stream`'s reader took some of it (`unread` left), or the stream went (0). */
  drained(stream: object, unread: number): void {
    if (unread > this.window || !this.overrun.delete(stream)) return;
    if (this.overrun.size === 0) this.reading.start();
  }
}

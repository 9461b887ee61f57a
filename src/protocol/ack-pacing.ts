// When a page acknowledges the bytes it drew (docs/api.md, "Flow control"): one `ack` for every
// `every` bytes drawn, and the rest IDLE_ACK_MS after the page first had nothing left to draw (one
// ack for a burst). Not at once: an ack for every echoed keystroke was a second message from the
// page per keystroke, which on a 2-core machine made the echo's slowest round trips slower
// (bench/README.md, goal 1). The server needs the last bytes' ack only to know how far the page
// got: a paused producer resumes on the `every` acks, `every` being at most its low watermark.

/** bytes drawn and not yet acknowledged are acknowledged this long after the page first had nothing left to draw */
export const IDLE_ACK_MS = 100;
/** at most the server's default low watermark (a page told a lower one in its hello acks at that) */
export const DEFAULT_ACK_EVERY_BYTES = 16 * 1024;

/** One attached session's bytes drawn and not yet acknowledged. */
export class AckPacing {
  #unacked = 0;
  #idle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly send: (bytes: number) => void) {}

  /** `bytes` more are on the screen; `drawnUp`: nothing else is waiting to be drawn */
  drawn(bytes: number, drawnUp: boolean, every: number): void {
    this.#unacked += bytes;
    if (this.#unacked >= every) this.flush();
    else if (drawnUp) this.#idle ??= setTimeout(() => this.flush(), IDLE_ACK_MS);
  }

  flush(): void {
    clearTimeout(this.#idle);
    this.#idle = undefined;
    if (this.#unacked === 0) return;
    this.send(this.#unacked);
    this.#unacked = 0;
  }

  /** The socket they were sent on is gone: its server counts from the reattach. */
  forget(): void {
    this.#unacked = 0;
  }

  /** Detached: nothing more to acknowledge. */
  cancel(): void {
    clearTimeout(this.#idle);
    this.#unacked = 0;
  }
}

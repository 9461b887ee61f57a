// An in-memory connection for a SPDY session under test, standing in for TCP: what the peer sends
// is made as the session reads (`next`, a chunk at a time, as the kernel would hand it over), so
// a session that stops reading stops taking it; and the peer may stop reading what the session
// writes (its writes then stay queued in the session's socket, where they cost its memory).
import { Duplex } from 'node:stream';

export class Wire extends Duplex {
  /** bytes the session has been handed so far (or that wait in this socket's buffer, as in the kernel's) */
  produced = 0;
  #held: (() => void)[] = [];

  constructor(
    private readonly next: () => Uint8Array | null,
    private reading = true,
  ) {
    super({ readableHighWaterMark: 64 * 1024 });
  }

  override _read(): void {
    const chunk = this.next();
    if (chunk) this.produced += chunk.length;
    this.push(chunk);
  }

  override _write(_chunk: Uint8Array, _encoding: BufferEncoding, done: () => void): void {
    if (this.reading) done();
    else this.#held.push(done);
  }

  /** The peer reads again: what waited is taken. */
  startReading(): void {
    this.reading = true;
    for (const done of this.#held.splice(0)) done();
  }
}

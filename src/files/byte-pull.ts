// Pulls exact byte counts out of a stream of chunks of any size, without copying more than one
// chunk at a time: what the tar reader needs to walk headers and stream bodies with flat memory.
import { TarError } from './tar-error.ts';

export class BytePull {
  #source: AsyncIterator<Uint8Array>;
  #chunk: Uint8Array = new Uint8Array(0);
  #done = false;
  /** bytes consumed so far (for messages that say where a stream went wrong) */
  offset = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source[Symbol.asyncIterator]();
  }

  /** Up to `max` bytes, as they come (a slice of one chunk); undefined at the end of the stream. */
  async some(max: number): Promise<Uint8Array | undefined> {
    while (this.#chunk.length === 0) {
      if (this.#done) return undefined;
      const next = await this.#source.next();
      if (next.done) this.#done = true;
      else this.#chunk = next.value;
    }
    const piece = this.#chunk.subarray(0, max);
    this.#chunk = this.#chunk.subarray(piece.length);
    this.offset += piece.length;
    return piece;
  }

  /** Exactly `n` bytes, or undefined when the stream ends cleanly before the first; a TarError when it ends within them. */
  async exactly(n: number, what: string): Promise<Uint8Array | undefined> {
    if (n === 0) return new Uint8Array(0);
    const first = await this.some(n);
    if (!first) return undefined;
    if (first.length === n) return first;
    const whole = new Uint8Array(n);
    whole.set(first);
    let filled = first.length;
    while (filled < n) {
      const piece = await this.some(n - filled);
      if (!piece) throw truncated(what, this.offset);
      whole.set(piece, filled);
      filled += piece.length;
    }
    return whole;
  }

  /** Reads past `n` bytes; a TarError if the stream ends first. */
  async skip(n: number, what: string): Promise<void> {
    for await (const _ of this.stream(n, what));
  }

  /** `n` bytes as chunks; a TarError if the stream ends first. */
  async *stream(n: number, what: string): AsyncGenerator<Uint8Array> {
    let left = n;
    while (left > 0) {
      const piece = await this.some(Math.min(left, 1 << 20));
      if (!piece) throw truncated(what, this.offset);
      left -= piece.length;
      yield piece;
    }
  }

  /** Lets go of the source (it stops being read). */
  async close(): Promise<void> {
    await this.#source.return?.();
  }
}

const truncated = (what: string, offset: number) => new TarError(`the tar stream ends in the middle of ${what} (after ${offset} bytes): it is truncated, or an entry's size is wrong`);

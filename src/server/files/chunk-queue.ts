// Output pushed by an exec, pulled by whoever writes it out (an HTTP answer): held in order, and
// the exec paused while more than the high water mark waits, resumed below the low one. So a
// fast container and a slow client never grow the server's memory past a few chunks.
export const HIGH_WATER = 1 << 20;
export const LOW_WATER = 256 * 1024;

export class ChunkQueue implements AsyncIterable<Uint8Array> {
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  #ended = false;
  #paused = false;
  #wake: (() => void) | undefined;

  constructor(private readonly flow: { pause(): void; resume(): void }) {}

  push(chunk: Uint8Array): void {
    if (this.#ended) return;
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    if (!this.#paused && this.#bytes > HIGH_WATER) {
      this.#paused = true;
      this.flow.pause();
    }
    this.#wakeReader();
  }

  /** No more output will come. */
  end(): void {
    this.#ended = true;
    this.#wakeReader();
  }

  #wakeReader(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      const chunk = this.#chunks.shift();
      if (chunk) {
        this.#bytes -= chunk.length;
        if (this.#paused && this.#bytes < LOW_WATER) {
          this.#paused = false;
          this.flow.resume();
        }
        yield chunk;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}

// A running stream's stdin, a few writes at a time (terminal-io.ts). What is typed while they are
// still out (their `sent` not yet called: the cluster connection has not taken them) is joined, in
// order, into blocks that go as the next writes. Several out, not one: a paste's blocks go one
// after another without waiting each for the last's `sent` (with one, a fast paste piled up past
// the bound on waiting input before the connection had taken the first). Written as it came, every input frame cost the
// server an adapter write (a stream chunk, closures, a timer: websocket-exec.ts), about 600 B on
// Node and 1.1 KB on Deno however few bytes it carried: a client sending one-byte frames to a
// program that does not read its stdin grew the server by gigabytes before the bound on the bytes
// waiting (MAX_INPUT_WAITING) was near. Joined, what waits costs its bytes.
import type { ExecStream } from '../adapters/exec.ts';
import { join, joinFrom, joined, type Joined } from './joined-bytes.ts';

/** The most bytes one joined write carries: a page's paste frame is 32 KiB, and a cluster takes far more in one message. */
export const JOINED_WRITE_BYTES = 64 * 1024;
/** The most writes out at once: each costs its objects whatever its size, so their number is bounded, not only their bytes. */
export const WRITES_OUT = 16;

interface Block extends Joined {
  /** the writers' `sent` of what the block holds (a bulk writer's: an upload waits for each before its next) */
  sent: (() => void)[];
}

export class StdinQueue {
  readonly #blocks: Block[] = [];
  /** writes handed to the stream whose `sent` has not come */
  #out = 0;
  /** stdin's end was asked for while bytes still waited: it goes after them */
  #ending = false;

  /** `went(bytes)`: that many bytes of what was written have left (the stream called `sent`). */
  constructor(
    private readonly stream: ExecStream,
    private readonly went: (bytes: number) => void,
  ) {}

  /** As ExecStream.write: `sent` once these bytes have left, or will never be sent (the exec is over). */
  write(data: Uint8Array, sent?: () => void): void {
    // room out, nothing waiting: straight on, as the bytes came (no copy)
    if (this.#out < WRITES_OUT && this.#blocks.length === 0) return this.#send({ bytes: data, length: data.length, sent: sent ? [sent] : [] });
    const last = this.#blocks.at(-1);
    if (last && join(last, data, JOINED_WRITE_BYTES)) {
      if (sent) last.sent.push(sent);
      return;
    }
    this.#blocks.push({ ...joinFrom(data), sent: sent ? [sent] : [] });
  }

  /** stdin's end, after what waits (the stream keeps the order of what it was handed). */
  closeStdin(): void {
    if (this.#blocks.length === 0) this.stream.closeStdin();
    else this.#ending = true;
  }

  #send(block: Block): void {
    this.#out++;
    let handing = true;
    let told = false;
    this.stream.write(joined(block), () => {
      if (told) return; // said once per write: a second call would count its bytes as gone twice
      told = true;
      this.#out--;
      this.went(block.length);
      for (const sent of block.sent) sent();
      // said at once (the exec is over): the loop in #next goes on; said later: the next write starts here
      if (!handing) this.#next();
    });
    handing = false;
  }

  #next(): void {
    while (this.#out < WRITES_OUT) {
      const block = this.#blocks.shift();
      if (!block) return;
      this.#send(block);
      if (this.#blocks.length === 0 && this.#ending) {
        this.#ending = false;
        this.stream.closeStdin();
      }
    }
  }
}

// A terminal's output as the server passes it on: what its exec delivered in one turn of the
// event loop (the messages of one socket read) goes on merged, in chunks of up to 16 KiB. A flood
// arrives as 4 KiB PTY reads, and each chunk costs a scrollback append, a frame and a socket write
// on the way to the page, and a message for the page to handle (bench/README.md, "Output in
// fewer frames"). Nothing waits past the turn it came in: a keystroke's echo goes on as soon as
// the adapter's callback returns, before any other socket is read.
import { Buffer } from 'node:buffer';
import type { OutputChannel } from './terminal-io.ts';

/**
 * A merged chunk stays within one page acknowledgement's worth (the hub's default low
 * watermark): what can be in flight past the high watermark grows by one such chunk at most.
 */
export const MAX_BATCH_BYTES = 16 * 1024;

export class OutputBatch {
  #channel: OutputChannel = 'stdout';
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  #scheduled = false;

  constructor(private readonly deliver: (channel: OutputChannel, chunk: Uint8Array) => void) {}

  add(channel: OutputChannel, chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    // stdout and stderr stay apart and in order: a change of stream ends the batch
    if (channel !== this.#channel || this.#bytes + chunk.length > MAX_BATCH_BYTES) this.flush();
    this.#channel = channel;
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.flush();
    });
  }

  /** Passes on what is held now: before anything that must come after the output (the exec's end). */
  flush(): void {
    if (this.#chunks.length === 0) return;
    const chunks = this.#chunks;
    const bytes = this.#bytes;
    this.#chunks = [];
    this.#bytes = 0;
    this.deliver(this.#channel, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, bytes));
  }
}

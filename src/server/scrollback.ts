// A session's server-side scrollback: the last `limit` bytes of its output, so a browser that
// reloads or reconnects gets its screen back. Offsets count every byte the session ever wrote,
// so a client can say where it stopped and be told exactly how much it missed.
//
// A raw byte ring rather than a headless terminal: it costs a copy per byte and nothing else, and
// replaying it through xterm.js rebuilds a line-oriented screen exactly. A full-screen program
// (top, vim) redraws on the next resize, which the page sends on attach. Each chunk keeps the
// stream it came on, so a replay gives a non-interactive session's stderr as stderr.
import type { OutputChannel } from '../runtime/terminal-io.ts';

/** `length` bytes of a replay that came on one stream, in order. */
export interface ReplayRun {
  channel: OutputChannel;
  length: number;
}

export class Scrollback {
  #chunks: Uint8Array[] = [];
  /** the stream of each chunk */
  #channels: OutputChannel[] = [];
  #size = 0;
  /** offset of the first byte still held */
  #start = 0;

  constructor(readonly limit: number) {
    if (!(limit > 0)) throw new Error('scrollback limit must be positive');
  }

  get start(): number {
    return this.#start;
  }

  /** offset just past the last byte written */
  get end(): number {
    return this.#start + this.#size;
  }

  get size(): number {
    return this.#size;
  }

  append(chunk: Uint8Array, channel: OutputChannel = 'stdout'): void {
    if (chunk.length === 0) return;
    // A copy of exactly these bytes: the producer may reuse its buffer, and a view would keep all
    // of it alive (a Node Buffer's slice() is such a view, not a copy).
    this.#chunks.push(new Uint8Array(chunk));
    this.#channels.push(channel);
    this.#size += chunk.length;
    this.#trim();
  }

  /** How many line feeds are held from `from` on, counted up to `atMost` + 1 (enough to say "more than"), without copying. */
  lineFeedsSince(from: number, atMost: number): number {
    let count = 0;
    let offset = this.#start;
    for (const chunk of this.#chunks) {
      for (let at = chunk.indexOf(0x0a, Math.max(0, from - offset)); at >= 0; at = chunk.indexOf(0x0a, at + 1)) {
        if (++count > atMost) return count;
      }
      offset += chunk.length;
    }
    return count;
  }

  /** Bytes from `from` (clamped to what is held) to `to` (the end); `runs` says which stream each stretch of them came on. */
  since(from: number, to = this.end): { from: number; bytes: Uint8Array; runs: ReplayRun[] } {
    const start = Math.min(Math.max(from, this.#start), this.end);
    const stop = Math.min(Math.max(to, start), this.end);
    const out = new Uint8Array(stop - start);
    const runs: ReplayRun[] = [];
    let offset = this.#start;
    let written = 0;
    this.#chunks.forEach((chunk, index) => {
      const chunkEnd = offset + chunk.length;
      if (chunkEnd > start && offset < stop) {
        const part = chunk.subarray(Math.max(0, start - offset), Math.min(chunk.length, stop - offset));
        out.set(part, written);
        written += part.length;
        const channel = this.#channels[index];
        const last = runs.at(-1);
        if (last?.channel === channel) last.length += part.length;
        else runs.push({ channel, length: part.length });
      }
      offset = chunkEnd;
    });
    return { from: start, bytes: out, runs };
  }

  #trim(): void {
    let excess = this.#size - this.limit;
    while (excess > 0) {
      const first = this.#chunks[0];
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#channels.shift();
        this.#drop(first.length);
        excess -= first.length;
        continue;
      }
      // Cut inside the first chunk, then on to the next UTF-8 character start, so a replay
      // never begins with half a character.
      let cut = excess;
      while (cut < first.length && (first[cut] & 0xc0) === 0x80) cut++;
      this.#chunks[0] = first.subarray(cut);
      this.#drop(cut);
      if (this.#chunks[0].length === 0) {
        this.#chunks.shift();
        this.#channels.shift();
      }
      excess = 0;
    }
  }

  #drop(bytes: number): void {
    this.#size -= bytes;
    this.#start += bytes;
  }
}

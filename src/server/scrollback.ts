// A session's server-side scrollback: the last `limit` bytes of its output, so a browser that
// reloads or reconnects gets its screen back. Offsets count every byte the session ever wrote,
// so a client can say where it stopped and be told exactly how much it missed.
//
// A raw byte ring rather than a headless terminal: it costs a copy per byte and nothing else, and
// replaying it through xterm.js rebuilds a line-oriented screen exactly. A full-screen program
// (top, vim) redraws on the next resize, which the page sends on attach. Each byte keeps the
// stream it came on, so a replay gives a non-interactive session's stderr as stderr: where the
// stream changes is kept beside the bytes (channel-changes.ts), and each change is counted, with
// the bytes, against the limit (and the ended ones' budget): what it counts is what it costs.
import type { OutputChannel } from '../runtime/terminal-io.ts';
import { CHANGE_COST, ChannelChanges, type ReplayRun } from './channel-changes.ts';

/**
 * Output gathered in blocks: a block per chunk cost about 200 bytes of heap per chunk, so a
 * terminal whose output comes a byte at a time (a progress dot, an echoed key) held some 200
 * times its scrollback, and dropping the oldest chunk moved every other one. Chunks fill the last
 * block, which grows by doubling up to this, then the next: every block but the last is full.
 */
const BLOCK_BYTES = 16 * 1024;

interface Block {
  bytes: Uint8Array;
  /** bytes of `bytes` written */
  used: number;
}

const NOTHING = new Uint8Array(0);

export class Scrollback {
  /** blocks before `#head` are dropped (their bytes let go), forgotten a batch at a time */
  #blocks: Block[] = [];
  #head = 0;
  /** bytes of the head block already trimmed */
  #skip = 0;
  #size = 0;
  /** offset of the first byte still held */
  #start = 0;
  readonly #changes = new ChannelChanges();

  /** `limit`: what it may cost, its bytes and CHANGE_COST a change of stream between them */
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

  /** the bytes held (what offsets count) */
  get size(): number {
    return this.#size;
  }

  /** what holding them costs, as the limit and the ended ones' budget count it: the bytes, and each change of stream between them */
  get cost(): number {
    return this.#size + CHANGE_COST * this.#changes.held;
  }

  /** how many blocks hold it: one per 16 KiB, and one more, however its output came */
  get blocks(): number {
    return this.#blocks.length - this.#head;
  }

  append(chunk: Uint8Array, channel: OutputChannel = 'stdout'): void {
    if (chunk.length === 0) return;
    this.#changes.wrote(this.end, channel, this.#size === 0);
    // A copy of exactly these bytes: the producer may reuse its buffer, and a view would keep all
    // of it alive (a Node Buffer's slice() is such a view, not a copy).
    let copied = 0;
    const last = this.#blocks.length > this.#head ? this.#blocks[this.#blocks.length - 1] : undefined;
    if (last && last.used < BLOCK_BYTES) {
      copied = Math.min(chunk.length, BLOCK_BYTES - last.used);
      if (last.used + copied > last.bytes.length) {
        const grown = new Uint8Array(Math.min(BLOCK_BYTES, Math.max(2 * last.bytes.length, last.used + copied)));
        grown.set(last.bytes.subarray(0, last.used));
        last.bytes = grown;
      }
      last.bytes.set(chunk.subarray(0, copied), last.used);
      last.used += copied;
    }
    for (; copied < chunk.length; copied += BLOCK_BYTES) {
      const bytes = new Uint8Array(chunk.subarray(copied, copied + BLOCK_BYTES));
      this.#blocks.push({ bytes, used: bytes.length });
    }
    this.#size += chunk.length;
    this.keepLast(this.limit);
  }

  /**
   * Forgets its oldest bytes until what it holds costs at most `cost` (the limit, as output
   * comes; less for an ended terminal past the ended ones' budget, ended-scrollback.ts). Offsets
   * stay: an attach from before the start is told what is gone (`dropped`).
   */
  keepLast(cost: number): void {
    if (this.cost <= cost) return;
    // a stretch of one stream at a time: the change at its end goes with it
    for (let excess = this.cost - cost; excess > 0; excess = this.cost - cost) this.#dropFront(Math.min(excess, this.#changes.next - this.#start));
    // Then on to the next UTF-8 character start, so a replay never begins with half a character:
    // the rest of one may be in the next block (a PTY's reads split characters anywhere), and a
    // character has at most 3 bytes after its first (binary output is not emptied away).
    for (let skipped = 0; skipped < 3 && this.#size > 0 && (this.#blocks[this.#head].bytes[this.#skip] & 0xc0) === 0x80; skipped++) this.#dropFront(1);
  }

  /**
   * Its blocks cut to the bytes they hold, for a terminal that writes no more (it ended): the
   * last block grew by doubling and the first may be mostly trimmed, so up to 16 KiB each were
   * room for nothing (and the changes of stream had room to grow), and the ended ones' budget
   * counts what is held.
   */
  fit(): void {
    this.#changes.fit();
    if (this.blocks === 0) return;
    const head = this.#blocks[this.#head];
    if (this.#skip > 0) {
      head.bytes = head.bytes.slice(this.#skip, head.used);
      head.used -= this.#skip;
      this.#skip = 0;
    }
    const last = this.#blocks[this.#blocks.length - 1];
    if (last.bytes.length > last.used) last.bytes = last.bytes.slice(0, last.used);
  }

  /** How many line feeds are held from `from` on, counted up to `atMost` + 1 (enough to say "more than"), without copying. */
  lineFeedsSince(from: number, atMost: number): number {
    let count = 0;
    let offset = this.#start;
    for (const bytes of this.#held()) {
      for (let at = bytes.indexOf(0x0a, Math.max(0, from - offset)); at >= 0; at = bytes.indexOf(0x0a, at + 1)) {
        if (++count > atMost) return count;
      }
      offset += bytes.length;
    }
    return count;
  }

  /** Bytes from `from` (clamped to what is held) to `to` (the end); `runs` says which stream each stretch of them came on. */
  since(from: number, to = this.end): { from: number; bytes: Uint8Array; runs: ReplayRun[] } {
    const start = Math.min(Math.max(from, this.#start), this.end);
    const stop = Math.min(Math.max(to, start), this.end);
    const out = new Uint8Array(stop - start);
    let offset = this.#start;
    for (const bytes of this.#held()) {
      const blockEnd = offset + bytes.length;
      if (offset >= stop) break;
      if (blockEnd > start) out.set(bytes.subarray(Math.max(0, start - offset), Math.min(bytes.length, stop - offset)), Math.max(0, offset - start));
      offset = blockEnd;
    }
    return { from: start, bytes: out, runs: this.#changes.runs(start, stop) };
  }

  /** The bytes held, block by block, in order. */
  *#held(): Iterable<Uint8Array> {
    for (let i = this.#head; i < this.#blocks.length; i++) {
      const block = this.#blocks[i];
      yield block.bytes.subarray(i === this.#head ? this.#skip : 0, block.used);
    }
  }

  /** Forgets the first `bytes` held. */
  #dropFront(bytes: number): void {
    while (bytes > 0) {
      const head = this.#blocks[this.#head];
      const cut = Math.min(bytes, head.used - this.#skip);
      this.#skip += cut;
      this.#size -= cut;
      this.#start += cut;
      bytes -= cut;
      if (this.#skip < head.used) continue;
      head.bytes = NOTHING;
      this.#head++;
      this.#skip = 0;
    }
    this.#changes.forget(this.#start);
    // an array's shift() moves every element after the first: drop the dropped ones half at a time
    if (this.#head === this.#blocks.length || (this.#head > 16 && this.#head * 2 > this.#blocks.length)) {
      this.#blocks.splice(0, this.#head);
      this.#head = 0;
    }
  }
}

// Which stream (stdout or stderr) each byte of a scrollback came on, kept as the offsets where it
// changes: a block or an object per run of one stream cost some 270 times its bytes when a
// non-interactive command's stdout and stderr took turns a byte a write (1 MiB held 266 MiB of
// heap). An offset is a float64 (a long session's offsets pass 2^32), in one array that grows by
// doubling, so a change costs CHANGE_COST bytes, which the scrollback counts with its bytes (up to
// twice that while the array has room to grow: an ended terminal's lets it go, fit()).
import type { OutputChannel } from '../runtime/terminal-io.ts';

/** `length` bytes of a replay that came on one stream, in order. */
export interface ReplayRun {
  channel: OutputChannel;
  length: number;
}

/** What a change of stream costs where it is kept (a Float64Array's element). */
export const CHANGE_COST = Float64Array.BYTES_PER_ELEMENT;

const NONE = new Float64Array(0);
const other = (channel: OutputChannel): OutputChannel => (channel === 'stdout' ? 'stderr' : 'stdout');

export class ChannelChanges {
  /** offsets of the bytes that came on another stream than the byte before; those before `#head` are forgotten */
  #at = NONE;
  #head = 0;
  #count = 0;
  /** the stream of the first byte held, and of the last */
  #first: OutputChannel = 'stdout';
  #last: OutputChannel = 'stdout';

  /** changes between the bytes held */
  get held(): number {
    return this.#count - this.#head;
  }

  /** Where the next change after the first byte held is (Infinity: none). */
  get next(): number {
    return this.held > 0 ? this.#at[this.#head] : Infinity;
  }

  /** Bytes from `offset` on came on `channel`; `first`: none before them are held. */
  wrote(offset: number, channel: OutputChannel, first: boolean): void {
    if (first) this.#first = channel;
    else if (channel !== this.#last) this.#push(offset);
    this.#last = channel;
  }

  /** The bytes before `start` are no longer held. */
  forget(start: number): void {
    while (this.#head < this.#count && this.#at[this.#head] <= start) {
      this.#head++;
      this.#first = other(this.#first);
    }
    if (this.#head === this.#count) this.#head = this.#count = 0;
  }

  /** The stretches of one stream from `from` to `to`, both within what is held. */
  runs(from: number, to: number): ReplayRun[] {
    if (to <= from) return [];
    // the first change after `from`: the stream flips at each one before it
    let low = this.#head;
    for (let high = this.#count; low < high; ) {
      const middle = (low + high) >>> 1;
      if (this.#at[middle] <= from) low = middle + 1;
      else high = middle;
    }
    let channel = (low - this.#head) % 2 === 0 ? this.#first : other(this.#first);
    const runs: ReplayRun[] = [];
    let at = from;
    for (let i = low; i < this.#count && this.#at[i] < to; i++) {
      runs.push({ channel, length: this.#at[i] - at });
      at = this.#at[i];
      channel = other(channel);
    }
    runs.push({ channel, length: to - at });
    return runs;
  }

  /** Lets go of the room kept to grow (the scrollback ended). */
  fit(): void {
    if (this.#at.length === this.held) return;
    this.#at = this.held === 0 ? NONE : this.#at.slice(this.#head, this.#count);
    this.#count = this.held;
    this.#head = 0;
  }

  #push(offset: number): void {
    if (this.#count === this.#at.length) {
      const held = this.#at.subarray(this.#head, this.#count);
      // the forgotten ones make room when they are half of it, else it doubles: a move per change, amortised
      if (this.#head > 0 && this.#head * 2 >= this.#count) this.#at.copyWithin(0, this.#head, this.#count);
      else (this.#at = new Float64Array(Math.max(16, 2 * held.length))).set(held);
      this.#count = held.length;
      this.#head = 0;
    }
    this.#at[this.#count++] = offset;
  }
}

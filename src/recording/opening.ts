// What a stream opened to be recorded holds until its recording begins (recorder.ts): output and
// resizes that came before a shared log gave its run back, keys typed before its first byte
// (--record-input: while the run connected, or into a program that reads before it writes), and
// everything an Auto attempt did while its program might turn out missing (its program writes
// fewer bytes than a runtime's "not found" before the answer). They begin the recording, in their
// order and at their times, when it does.
import type { CastWriter } from './cast-writer.ts';
import { join, joined, type Joined } from '../runtime/joined-bytes.ts';

/** A terminal's size in cells, as the stream was resized to it. */
export interface Size {
  cols: number;
  rows: number;
}

/** One thing held, at its time (the recorder's clock): output, keys typed (--record-input: those in a row joined, at the first's time), or a resize. */
export type Early = { at: number } & ({ output: Uint8Array } | { typed: Joined } | { size: Size });

/** A stream opened to be recorded, at `at`: its recording begins with its first byte. */
export interface Opening {
  at: number;
  /** its run: a shared log may still show the previous run's row (a restart), not its own */
  run: number;
  /** the stream's size as it opened (or as recording was asked for), when it was resized before: the header's */
  size?: Size;
  /** what came before the recording could begin, in its order: it begins the recording when it does */
  early: Early[];
  /** bytes of output in `early` */
  earlyBytes: number;
  /** bytes typed in `early` */
  typedBytes: number;
  /**
   * an Auto attempt whose program may turn out missing (terminal-io.ts: `mayBeMissing`): nothing
   * begins until it is known to have run; missing, nothing of it is recorded
   */
  unsure?: boolean;
  /** its recording's name, once said started (recording.started) with nothing written yet: while it was `unsure`, or after its run's attempt before it (whose program was missing) */
  file?: string;
}

/** early bytes held per terminal at most: past it, they are let go, and the run is not recorded (the log and the tab say so when the run comes back) */
export const EARLY_MAX_BYTES = 1 << 20;

/** Output before the recording began; past the bound none is kept (the run is then not recorded). */
export function holdOutput(opening: Opening, chunk: Uint8Array, at: number): void {
  opening.earlyBytes += chunk.length;
  if (opening.earlyBytes > EARLY_MAX_BYTES) opening.early = [];
  else opening.early.push({ at, output: chunk.slice() });
}

/**
 * Keys typed before the first byte, bounded as output is: past it, none of them (a part would
 * misquote what was typed). Keys in a row are joined (joined-bytes.ts), one input event at the
 * first one's time: kept a frame each, a key a frame into a silent program held ~270 B a byte.
 */
export function holdTyped(opening: Opening, data: Uint8Array, at: number): void {
  opening.typedBytes += data.length;
  if (opening.typedBytes > EARLY_MAX_BYTES) return void (opening.early = opening.early.filter((early) => !('typed' in early)));
  const last = opening.early.at(-1);
  // a new run's buffer is its bytes (it doubles as it is joined to): keys between resizes are not a buffer each
  if (!last || !('typed' in last) || !join(last.typed, data, EARLY_MAX_BYTES)) opening.early.push({ at, typed: { bytes: data.slice(), length: data.length } });
}

/** Sizes with nothing printed or typed between them are one, the last: a terminal that prints nothing yet, resized again and again, holds one. */
export function holdResize(opening: Opening, size: Size, at: number): void {
  const last = opening.early.at(-1);
  if (last !== undefined && 'size' in last) opening.early[opening.early.length - 1] = { at, size };
  else opening.early.push({ at, size });
}

/** What was held, into the recording that begins with it, each at its time. */
export function playEarly(opening: Opening, writer: CastWriter): void {
  for (const early of opening.early) {
    if ('output' in early) writer.output(early.output, early.at);
    else if ('typed' in early) writer.input(joined(early.typed), early.at);
    else writer.resize(early.size.cols, early.size.rows, early.at);
  }
}

// What a stream opened to be recorded holds until its recording begins (recorder.ts): output and
// resizes that came before a shared log gave its run back, and keys typed before its first byte
// (--record-input: while the run connected, or into a program that reads before it writes). They
// begin the recording, in their order, when it does.

/** A terminal's size in cells, as the stream was resized to it. */
export interface Size {
  cols: number;
  rows: number;
}

/** Keys typed before a recording's first byte (--record-input): while the run connected, or into a program that reads first. */
export interface Typed {
  typed: Uint8Array;
}

/** A stream opened to be recorded, at `at`: its recording begins with its first byte. */
export interface Opening {
  at: number;
  /** its run: a shared log may still show the previous run's row (a restart), not its own */
  run: number;
  /** the stream's size as it opened (or as recording was asked for), when it was resized before: the header's */
  size?: Size;
  /** what came before the log gave the run back (a shared log's round trip), output and resizes in their order, and what was typed before its first byte: they begin the recording when it does */
  early: (Uint8Array | Size | Typed)[];
  /** bytes of output in `early` */
  earlyBytes: number;
  /** bytes typed in `early` */
  typedBytes: number;
}

export const isTyped = (early: Opening['early'][number]): early is Typed => 'typed' in early;

/** early bytes held per terminal at most: past it, they are let go, and the run is not recorded (the log and the tab say so when the run comes back) */
export const EARLY_MAX_BYTES = 1 << 20;

/** Output before the run came back; past the bound none is kept (the run is then not recorded). */
export function holdOutput(opening: Opening, chunk: Uint8Array): void {
  opening.earlyBytes += chunk.length;
  if (opening.earlyBytes > EARLY_MAX_BYTES) opening.early = [];
  else opening.early.push(chunk.slice());
}

/** Keys typed before the first byte, bounded as output is: past it, none of them (a part would misquote what was typed). */
export function holdTyped(opening: Opening, data: Uint8Array): void {
  opening.typedBytes += data.length;
  if (opening.typedBytes > EARLY_MAX_BYTES) opening.early = opening.early.filter((early) => !isTyped(early));
  else opening.early.push({ typed: data.slice() });
}

/** Sizes with nothing printed or typed between them are one, the last: a terminal that prints nothing yet, resized again and again, holds one. */
export function holdResize(opening: Opening, size: Size): void {
  const last = opening.early.at(-1);
  if (last !== undefined && !(last instanceof Uint8Array) && !isTyped(last)) opening.early[opening.early.length - 1] = size;
  else opening.early.push(size);
}

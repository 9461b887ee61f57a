// A terminal's screen, rebuilt on the server from its output for a viewer that attaches fresh (a
// page reload): the bytes go through a headless xterm.js and come out serialized (characters,
// colours, cursor, modes, the alternate screen of vim or top, and a bounded history above the
// screen), so the page draws the screen as it is instead of replaying raw bytes that only a
// full-screen program's next redraw would put right. Built on demand from the byte scrollback,
// not kept live per terminal: bench figure 12 and docs/api.md "Screen on attach" say why.
import headless from '@xterm/headless';
import { screenStart } from './screen-start.ts';
import { screenSerializer } from './screen-serialize.ts';
import { FairTurns } from './fair-turns.ts';
import { unfinishedTail } from './unfinished-tail.ts';

// A CommonJS bundle: its class comes off the default export, under Node and Deno alike.
const { Terminal } = headless;

/** rows of history above the screen that a screen carries (the page keeps more; the raw replay keeps them all) */
export const SCREEN_HISTORY_ROWS = 1000;
/** the parser gets the bytes in pieces this big: it yields to the event loop between pieces, never within one */
const PARSE_PIECE_BYTES = 32 * 1024;
/** screens built at once: a page of 256 terminals reloading must not hold 256 headless terminals */
const CONCURRENT_BUILDS = 2;

export interface ScreenSize {
  cols: number;
  rows: number;
}

/**
 * The screen that `bytes` draw on a terminal of `size`, as bytes that draw it again on an empty
 * one. Asynchronous: the headless parser takes the bytes a piece at a time, so a big scrollback
 * never holds the server's event loop for long. `wanted` is asked before each piece: once it says
 * no (the viewer left), the build stops there and resolves to undefined. It parses from where the
 * screen can start to differ (screen-start.ts), not necessarily from the first byte.
 */
export function rebuildScreen(bytes: Uint8Array, size: ScreenSize, historyRows = SCREEN_HISTORY_ROWS, wanted: () => boolean = () => true): Promise<Uint8Array | undefined> {
  return replayScreen(bytes.subarray(screenStart(bytes, size.rows, historyRows)), size, historyRows, wanted);
}

/** rebuildScreen's work on every one of `bytes`. */
export function replayScreen(bytes: Uint8Array, size: ScreenSize, historyRows: number, wanted: () => boolean = () => true): Promise<Uint8Array | undefined> {
  const term = new Terminal({ cols: size.cols, rows: size.rows, scrollback: historyRows, allowProposedApi: true });
  const serialized = screenSerializer(term);
  return new Promise<Uint8Array | undefined>((resolve, reject) => {
    const finish = (result: () => Uint8Array | undefined) => {
      try {
        resolve(result());
      } catch (error) {
        reject(error);
      } finally {
        term.dispose();
      }
    };
    // each piece is written once the one before it is parsed: the screen is exactly that of `bytes`
    const next = (at: number) => {
      if (!wanted()) return finish(() => undefined);
      if (at >= bytes.length) return finish(() => new TextEncoder().encode(serialized(historyRows)));
      term.write(bytes.subarray(at, at + PARSE_PIECE_BYTES), () => next(at + PARSE_PIECE_BYTES));
    };
    next(0);
  });
}

/** What a build needs, read from the scrollback when its turn comes; undefined: nothing to build from. */
export type ScreenSource = () => { bytes: Uint8Array; size: ScreenSize } | undefined;

/** A built screen, and the bytes read for it that it stops short of: they go after it as output. */
export interface BuiltScreen {
  screen: Uint8Array;
  rest: Uint8Array;
}

/**
 * Builds screens a few at a time, in the order asked, and at most one at a time for each owner
 * (a socket): a page that attaches again and again, or reloads with many terminals, waits for
 * its own builds and never holds every slot. Each build reads its bytes only when its turn comes,
 * so a queue of waiting builds holds nothing; one no longer `wanted` is skipped, or stopped
 * between parser pieces. A screen ends where the parser rests (unfinished-tail.ts): a sequence
 * or character the bytes end inside is the `rest`, not drawn.
 */
export class ScreenBuilder {
  readonly #turns = new FairTurns<unknown>(CONCURRENT_BUILDS);

  build(owner: unknown, source: ScreenSource, wanted: () => boolean): Promise<BuiltScreen | undefined> {
    return this.#turns.take(owner, async () => {
      const read = wanted() ? source() : undefined;
      const drawn = read ? read.bytes.length - unfinishedTail(read.bytes) : 0;
      const screen = drawn > 0 ? await rebuildScreen(read!.bytes.subarray(0, drawn), read!.size, SCREEN_HISTORY_ROWS, wanted) : undefined;
      return screen && { screen, rest: read!.bytes.slice(drawn) };
    });
  }
}

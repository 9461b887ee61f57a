// A terminal's screen, rebuilt on the server from its output for a viewer that attaches fresh (a
// page reload): the bytes go through a headless xterm.js and come out serialized (characters,
// colours, cursor, modes, the alternate screen of vim or top, and a bounded history above the
// screen), so the page draws the screen as it is instead of replaying raw bytes that only a
// full-screen program's next redraw would put right. Built on demand from the byte scrollback,
// not kept live per terminal: bench figure 12 and docs/api.md "Screen on attach" say why.
import headless from '@xterm/headless';
import serialize from '@xterm/addon-serialize';

// Both packages are CommonJS bundles: their classes come off the default export, under Node and Deno alike.
const { Terminal } = headless;
const { SerializeAddon } = serialize;

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
 * one. Asynchronous: the headless parser works in slices, so a big scrollback never holds the
 * server's event loop for long.
 */
export function rebuildScreen(bytes: Uint8Array, size: ScreenSize, historyRows = SCREEN_HISTORY_ROWS): Promise<Uint8Array> {
  const term = new Terminal({ cols: size.cols, rows: size.rows, scrollback: historyRows, allowProposedApi: true });
  const serializer = new SerializeAddon();
  // The addon is typed against the browser's Terminal; the headless one has the same API it uses.
  term.loadAddon(serializer as unknown as Parameters<typeof term.loadAddon>[0]);
  for (let at = 0; at < bytes.length; at += PARSE_PIECE_BYTES) term.write(bytes.subarray(at, at + PARSE_PIECE_BYTES));
  return new Promise<Uint8Array>((resolve, reject) => {
    // called once every piece before it is parsed: the screen is exactly that of `bytes`
    term.write('', () => {
      try {
        resolve(new TextEncoder().encode(serializer.serialize({ scrollback: historyRows })));
      } catch (error) {
        reject(error);
      } finally {
        term.dispose();
      }
    });
  });
}

/**
 * Builds screens a few at a time, in the order asked: the rest wait their turn. Each build asks
 * for its bytes only when its turn comes (undefined: no longer wanted, skipped), so a queue of
 * waiting builds holds nothing.
 */
export class ScreenBuilder {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  async build(source: () => { bytes: Uint8Array; size: ScreenSize } | undefined): Promise<Uint8Array | undefined> {
    if (this.#running >= CONCURRENT_BUILDS) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running++;
    try {
      const wanted = source();
      return wanted && (await rebuildScreen(wanted.bytes, wanted.size));
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }
}

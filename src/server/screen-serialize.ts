// A headless terminal's screen as bytes that draw it again on an empty terminal of its size:
// @xterm/addon-serialize's output, put right where the addon gets it wrong.
// - It ends each buffer by setting the terminal's current pen, then draws the alternate screen as
//   if the pen were plain: a program that left its pen bold and reverse (vi after its status line)
//   got the first coloured cells of its screen bold and reverse too. A plain pen goes first.
// - It puts the cursor back by relative moves counted from one past the last cell it wrote; from
//   the last column that is one too far left (the terminal stops at the margin first), so after a
//   reload, vi on a line as wide as the screen typed into the wrong cell (xterm.js issue 6165).
//   Each buffer's cursor is placed again absolutely, unless it waits to wrap (no position says that).
import type headless from '@xterm/headless';
import serialize from '@xterm/addon-serialize';

// A CommonJS bundle: its class comes off the default export, under Node and Deno alike.
const { SerializeAddon } = serialize;

type Terminal = InstanceType<typeof headless.Terminal>;
type TerminalBuffer = Terminal['buffer']['normal'];

/** what the addon writes between the normal buffer and the alternate one */
const ENTER_ALTERNATE = '\x1b[?1049h\x1b[H';

/** Loads a serializer on `term`; what it returns serializes the screen and `historyRows` rows of history above it. */
export function screenSerializer(term: Terminal): (historyRows: number) => string {
  const addon = new SerializeAddon();
  // The addon is typed against the browser's Terminal; the headless one has the same API it uses.
  term.loadAddon(addon as unknown as Parameters<Terminal['loadAddon']>[0]);
  return (historyRows) => {
    const serialized = addon.serialize({ scrollback: historyRows });
    const placed = (buffer: TerminalBuffer) => (buffer.cursorX < term.cols ? `\x1b[${buffer.cursorY + 1};${buffer.cursorX + 1}H` : '');
    if (term.buffer.active.type !== 'alternate') return serialized + placed(term.buffer.normal);
    // the normal buffer's part holds only text, colours and cursor moves: the first switch is the addon's
    const at = serialized.indexOf(ENTER_ALTERNATE);
    return `${serialized.slice(0, at)}${placed(term.buffer.normal)}\x1b[0m${serialized.slice(at)}${placed(term.buffer.alternate)}`;
  };
}

// A headless terminal's screen as bytes that draw it again on an empty terminal of its size:
// @xterm/addon-serialize's output, put right where the addon gets it wrong.
// - It ends each buffer by setting the terminal's current pen, then draws the alternate screen as
//   if the pen were plain: a program that left its pen bold and reverse (vi after its status line)
//   got the first coloured cells of its screen bold and reverse too. A plain pen goes first.
// - It puts the cursor back by relative moves counted from one past the last cell it wrote: from
//   a row's last column that is one too far left (the terminal stops at the margin first), so after
//   a reload vi on a line as wide as the screen typed into the wrong cell (xterm.js issue 6165);
//   and its origin mode, set after the moves, sends the cursor home. Each buffer's cursor is placed
//   again absolutely, last. A cursor waiting to wrap (past a row's last cell) has no position that
//   says so: that cell is written again, which leaves it waiting, and the current pen set again.
import type headless from '@xterm/headless';
import serialize from '@xterm/addon-serialize';

// A CommonJS bundle: its class comes off the default export, under Node and Deno alike.
const { SerializeAddon } = serialize;

type Terminal = InstanceType<typeof headless.Terminal>;
type TerminalBuffer = Terminal['buffer']['normal'];
type Cell = NonNullable<ReturnType<TerminalBuffer['getNullCell']>>;
/** a cell's attributes: what the pen of the terminal's input handler has too */
type Attributes = Pick<Cell, 'isBold' | 'isDim' | 'isItalic' | 'isUnderline' | 'isBlink' | 'isInverse' | 'isInvisible' | 'isStrikethrough' | 'isOverline' | 'isFgRGB' | 'isFgPalette' | 'getFgColor' | 'isBgRGB' | 'isBgPalette' | 'getBgColor'>;

/** what the addon writes between the normal buffer and the alternate one */
const ENTER_ALTERNATE = '\x1b[?1049h\x1b[H';

/** Loads a serializer on `term`; what it returns serializes the screen and `historyRows` rows of history above it. */
export function screenSerializer(term: Terminal): (historyRows: number) => string {
  const addon = new SerializeAddon();
  // The addon is typed against the browser's Terminal; the headless one has the same API it uses.
  term.loadAddon(addon as unknown as Parameters<Terminal['loadAddon']>[0]);
  return (historyRows) => {
    const serialized = addon.serialize({ scrollback: historyRows });
    const placed = (buffer: TerminalBuffer) => cursorPlaced(term, buffer);
    if (term.buffer.active.type !== 'alternate') return serialized + placed(term.buffer.normal);
    // the normal buffer's part holds only text, colours and cursor moves: the first switch is the addon's
    const at = serialized.indexOf(ENTER_ALTERNATE);
    if (at < 0) throw new Error('@xterm/addon-serialize no longer switches to the alternate screen as this expects'); // a failed build is a raw replay
    return `${serialized.slice(0, at)}${placed(term.buffer.normal)}\x1b[0m${serialized.slice(at)}${placed(term.buffer.alternate)}`;
  };
}

/** Where `buffer`'s cursor is, said absolutely; waiting to wrap, its row's last cell written again. */
function cursorPlaced(term: Terminal, buffer: TerminalBuffer): string {
  const row = buffer.cursorY + 1;
  if (buffer.cursorX < term.cols) return `\x1b[${row};${buffer.cursorX + 1}H`;
  const line = buffer.getLine(buffer.baseY + buffer.cursorY);
  let col = term.cols - 1;
  let cell = line?.getCell(col);
  if (cell?.getWidth() === 0) cell = line?.getCell(--col); // the right half of a wide character: the character
  if (!cell?.getChars()) return `\x1b[${row};${term.cols}H`; // nothing there to write again: on it, at least
  // the pen is the input handler's, as the addon reads it (xterm.js has no API for it)
  const pen = (term as unknown as { _core: { _inputHandler: { _curAttrData: Attributes } } })._core._inputHandler._curAttrData;
  return `\x1b[${row};${col + 1}H${sgr(cell)}${cell.getChars()}${sgr(pen)}`;
}

/** SGR that sets exactly these attributes, from a plain pen. */
function sgr(a: Attributes): string {
  const codes = ['0'];
  const flags: [number | boolean, string][] = [
    [a.isBold(), '1'],
    [a.isDim(), '2'],
    [a.isItalic(), '3'],
    [a.isUnderline(), '4'],
    [a.isBlink(), '5'],
    [a.isInverse(), '7'],
    [a.isInvisible(), '8'],
    [a.isStrikethrough(), '9'],
    [a.isOverline(), '53'],
  ];
  for (const [on, code] of flags) if (on) codes.push(code);
  codes.push(...colour(a.isFgRGB(), a.isFgPalette(), a.getFgColor(), 30), ...colour(a.isBgRGB(), a.isBgPalette(), a.getBgColor(), 40));
  return `\x1b[${codes.join(';')}m`;
}

/** A foreground (base 30) or background (base 40) colour's codes: none for the default. */
function colour(rgb: boolean, palette: boolean, value: number, base: number): string[] {
  if (rgb) return [`${base + 8}`, '2', `${(value >> 16) & 255}`, `${(value >> 8) & 255}`, `${value & 255}`];
  if (!palette) return [];
  if (value < 8) return [`${base + value}`];
  if (value < 16) return [`${base + 60 + value - 8}`];
  return [`${base + 8}`, '5', `${value}`];
}

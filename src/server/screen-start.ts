// Where a screen's rebuild may start reading its bytes. A screen is the last rows of what the bytes
// drew (the screen and a bounded history above it), so most of a flood's megabyte never shows: a
// rebuild that parses all of it spends 100-200 ms for a screen that the last few kilobytes decide
// (catching a page up under `yes`, bench figure 8, waits for that build after Ctrl-C).
//
// Starting later draws the same screen only when the bytes skipped left nothing behind that the
// rest could show. Up to the first byte that may do more than write text (plain text, colours,
// erasing to the end of a line: what `ls --color` and `grep --color` write), the cursor only moves
// down and each line feed past the screen's height scrolls one line into the history. So the cut
// is right after a CR LF (the cursor at column 0, nothing pending) that has, before that first
// byte, enough line feeds after it to scroll everything before it out of the screen and its
// history, with no colour left on at it. Anything that may move the cursor up, change a mode,
// switch to the alternate screen or hold line feeds in a string (a title) counts from where it
// is: before the cut, the rebuild reads every byte, as before.

const LF = 0x0a;
const CR = 0x0d;
const ESC = 0x1b;
const CSI_OPEN = 0x5b; // '['
const SGR = 0x6d; // 'm'
const EL = 0x4b; // 'K'
/** how many line feeds back past the needed ones a CR LF is looked for (raw-mode output has none) */
const CRLF_SEARCH_LINES = 64;

/** The offset in `bytes` where parsing may start and still draw the same screen and history; 0 when it may not start later. */
export function screenStart(bytes: Uint8Array, rows: number, historyRows: number): number {
  // Up to `rows` line feeds after the cut may only move the cursor down to the last row; after
  // those, each scrolls one line up, and screen plus history are rows + historyRows lines.
  let lineFeeds = 2 * rows + historyRows + 1;
  let at = firstStateful(bytes);
  while (lineFeeds-- > 0) {
    at = at > 0 ? bytes.lastIndexOf(LF, at - 1) : -1;
    if (at < 0) return 0;
  }
  for (let tries = 0; at > 0 && bytes[at - 1] !== CR; tries++) {
    if (tries === CRLF_SEARCH_LINES) return 0;
    at = bytes.lastIndexOf(LF, at - 1);
  }
  if (at <= 0) return 0;
  const cut = at + 1;
  return colourLeftOn(bytes, cut) ? 0 : cut;
}

/**
 * A CSI sequence of digits, ';' and ':' at `at` (ESC '['): the offset of its final byte, or -1 for
 * anything else (another escape, private or intermediate bytes, one cut off by the end).
 */
function csiFinal(bytes: Uint8Array, at: number): number {
  if (bytes[at + 1] !== CSI_OPEN) return -1;
  let final = at + 2;
  while (final < bytes.length && ((bytes[final] >= 0x30 && bytes[final] <= 0x39) || bytes[final] === 0x3b || bytes[final] === 0x3a)) final++;
  return final < bytes.length ? final : -1;
}

/** The first byte that may do more than write text, colour it or erase to the end of its line; the length when none. */
function firstStateful(bytes: Uint8Array): number {
  let first = bytes.length;
  for (const shift of [0x0e, 0x0f]) {
    const found = bytes.indexOf(shift);
    if (found >= 0) first = Math.min(first, found);
  }
  // C1 controls written as UTF-8 (C2 80 to C2 9F) are escape sequences too
  for (let at = bytes.indexOf(0xc2); at >= 0 && at < first; at = bytes.indexOf(0xc2, at + 1)) {
    if (bytes[at + 1] >= 0x80 && bytes[at + 1] <= 0x9f) first = at;
  }
  for (let at = bytes.indexOf(ESC); at >= 0 && at < first; at = bytes.indexOf(ESC, at + 1)) {
    const final = csiFinal(bytes, at);
    if (final < 0 || (bytes[final] !== SGR && bytes[final] !== EL)) return at;
  }
  return first;
}

/** Whether the colours set before `end` are still on there (anything but a reset, ESC[m or ESC[0m, last). */
function colourLeftOn(bytes: Uint8Array, end: number): boolean {
  let coloured = false;
  for (let at = bytes.indexOf(ESC); at >= 0 && at < end; at = bytes.indexOf(ESC, at + 1)) {
    const final = csiFinal(bytes, at);
    if (final < 0 || bytes[final] !== SGR) continue; // erasing to the end of a line keeps nothing
    const params = final - at - 2;
    coloured = !(params === 0 || (params === 1 && bytes[at + 2] === 0x30));
  }
  return coloured;
}

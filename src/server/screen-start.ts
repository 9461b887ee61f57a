// Where a screen's rebuild may start reading its bytes. A screen is the last rows of what the bytes
// drew (the screen and a bounded history above it), so most of a flood's megabyte never shows: a
// rebuild that parses all of it spends 40-100 ms for a screen that the last few kilobytes decide
// (catching a page up under `yes`, bench figure 8, waits for that build after Ctrl-C).
//
// Starting later draws the same screen only when nothing before the start left state behind: the
// cut is right after a CR LF (the cursor at column 0, nothing pending), enough line feeds follow it
// to scroll everything before it out of the screen and its history, and everything before it is
// plain text: no escape sequence but colours that end reset and erasing to the end of a line (what
// `ls --color` and `grep --color` write), no shift to another character set. Anything else (a
// mode, the alternate screen, a scroll region, a title) and the rebuild reads every byte, as before.

const LF = 0x0a;
const CR = 0x0d;
const ESC = 0x1b;
/** how many line feeds back past the needed ones a CR LF is looked for (raw-mode output has none) */
const CRLF_SEARCH_LINES = 64;

/** The offset in `bytes` where parsing may start and still draw the same screen and history; 0 when it may not start later. */
export function screenStart(bytes: Uint8Array, rows: number, historyRows: number): number {
  // Up to `rows` line feeds after the cut may only move the cursor down to the last row; after
  // those, each scrolls one line up, and screen plus history are rows + historyRows lines.
  let lineFeeds = 2 * rows + historyRows + 1;
  let at = bytes.length;
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
  return leavesNoState(bytes, cut) ? cut : 0;
}

/** Whether the bytes before `end` leave the terminal as a fresh one is, but for what they wrote and where the cursor is. */
function leavesNoState(bytes: Uint8Array, end: number): boolean {
  for (const shift of [0x0e, 0x0f]) {
    const found = bytes.indexOf(shift);
    if (found >= 0 && found < end) return false;
  }
  // C1 controls written as UTF-8 (C2 80 to C2 9F) are escape sequences too
  for (let at = bytes.indexOf(0xc2); at >= 0 && at < end; at = bytes.indexOf(0xc2, at + 1)) {
    if (bytes[at + 1] >= 0x80 && bytes[at + 1] <= 0x9f) return false;
  }
  let coloured = false;
  for (let at = bytes.indexOf(ESC); at >= 0 && at < end; at = bytes.indexOf(ESC, at + 1)) {
    if (bytes[at + 1] !== 0x5b) return false; // not a CSI
    let final = at + 2;
    while (final < end && ((bytes[final] >= 0x30 && bytes[final] <= 0x39) || bytes[final] === 0x3b || bytes[final] === 0x3a)) final++;
    if (final >= end) return false;
    if (bytes[final] === 0x4b) continue; // EL: erases, keeps no state
    if (bytes[final] !== 0x6d) return false; // anything but SGR sets something
    const params = bytes.subarray(at + 2, final);
    coloured = !(params.length === 0 || (params.length === 1 && params[0] === 0x30));
  }
  return !coloured;
}

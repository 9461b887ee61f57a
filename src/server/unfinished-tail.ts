// Where a screen may end. A screen is built from the scrollback up to some offset, and that offset
// falls wherever a read of the program's output ended: possibly inside an escape sequence (a
// colour's ESC [ 3 with its "1m" still to come) or inside a UTF-8 character. A serialized screen
// carries no half-parsed sequence, and the page's parser starts from its ground state after it, so
// the rest of the sequence would show as text ("1mRED") and a split character would be lost. The
// screen therefore ends before such an unfinished tail, and the tail goes after it as output.
//
// The state is read as xterm.js's parser (after the VT500 one) reads 7-bit sequences: any ESC ends
// what came before it (a string included, ST being ESC \), so the last ESC decides whether a
// sequence is open; CAN and SUB abandon one. C1 controls sent as UTF-8 (U+009B for CSI) are not
// looked for: programs write the 7-bit forms.

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;

/** How many bytes at the end of `bytes` begin an escape sequence or a UTF-8 character that bytes not yet written would finish; 0 when the parser rests at the end. */
export function unfinishedTail(bytes: Uint8Array): number {
  const escape = openEscape(bytes);
  const character = openCharacter(bytes);
  return bytes.length - Math.min(escape ?? bytes.length, character ?? bytes.length);
}

/** The offset of the ESC that opens a sequence still unfinished at the end, if one is. */
function openEscape(bytes: Uint8Array): number | undefined {
  const at = bytes.lastIndexOf(ESC);
  if (at < 0) return undefined;
  for (let i = at + 1; i < bytes.length; i++) if (bytes[i] === CAN || bytes[i] === SUB) return undefined;
  const kind = bytes[at + 1];
  if (kind === undefined) return at;
  switch (kind) {
    case 0x5b: // '[': CSI: parameters and intermediates (0x20-0x3f; C0 controls run inside it) up to a final byte
      return finalAfter(bytes, at + 2, 0x3f) ? undefined : at;
    case 0x5d: // ']': OSC: ended by BEL (or by a later ESC, which there is none of)
      return bytes.indexOf(BEL, at + 2) >= 0 ? undefined : at;
    case 0x50: // 'P' DCS, 'X' SOS, '^' PM, '_' APC: ended by ST, that is by a later ESC
    case 0x58:
    case 0x5e:
    case 0x5f:
      return at;
    default: // intermediates (0x20-0x2f, as in ESC ( B) up to a final byte; anything else ends it at once
      return kind >= 0x20 && kind <= 0x2f && !finalAfter(bytes, at + 2, 0x2f) ? at : undefined;
  }
}

/** Whether a byte above `last` (the final byte, or any other ending the sequence; DEL is ignored inside one) comes at or after `from`. */
function finalAfter(bytes: Uint8Array, from: number, last: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] > last && bytes[i] !== 0x7f) return true;
  return false;
}

/** The offset of a UTF-8 lead byte at the end whose character is not whole yet, if there is one. */
function openCharacter(bytes: Uint8Array): number | undefined {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: its lead is further back
    const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return back < needs ? bytes.length - back : undefined;
  }
  return undefined;
}

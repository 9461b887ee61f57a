// A terminal's screen as plain data, cell by cell (characters, widths, colours and attributes),
// with the buffer it shows (normal or alternate) and the cursor: what two terminals must agree on
// for "the same screen". Self-contained (no imports, no helpers) so a browser test can run it in
// the page on the page's own xterm.js, and a server test on a headless one.

/** The part of xterm.js's buffer API this reads (the browser's and the headless Terminal both have it). */
export interface CellReader {
  cols: number;
  rows: number;
  buffer: {
    active: {
      type: string;
      cursorX: number;
      cursorY: number;
      viewportY: number;
      getLine(y: number): { getCell(x: number): CellLike | undefined } | undefined;
    };
  };
}
interface CellLike {
  getChars(): string;
  getWidth(): number;
  getFgColor(): number;
  getBgColor(): number;
  getFgColorMode(): number;
  getBgColorMode(): number;
  isBold(): number;
  isDim(): number;
  isItalic(): number;
  isUnderline(): number;
  isInverse(): number;
}

export interface ScreenCells {
  buffer: string;
  cursor: [number, number];
  /** one string per row: each cell as chars|width|fg mode:colour|bg mode:colour|bold dim italic underline inverse */
  rows: string[];
}

export function screenCells(term: CellReader): ScreenCells {
  const active = term.buffer.active;
  const rows: string[] = [];
  for (let y = 0; y < term.rows; y++) {
    const line = active.getLine(active.viewportY + y);
    const cells: string[] = [];
    for (let x = 0; x < term.cols; x++) {
      const c = line?.getCell(x);
      cells.push(c ? [c.getChars() || ' ', c.getWidth(), `${c.getFgColorMode()}:${c.getFgColor()}`, `${c.getBgColorMode()}:${c.getBgColor()}`, [c.isBold(), c.isDim(), c.isItalic(), c.isUnderline(), c.isInverse()].map(Boolean).map(Number).join('')].join('|') : '-');
    }
    rows.push(cells.join(' '));
  }
  return { buffer: active.type, cursor: [active.cursorX, active.cursorY], rows };
}

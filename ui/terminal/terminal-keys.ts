// The keys a terminal's page takes before its program sees them, apart from the session that acts
// on them. Ctrl+Shift with a letter sends the program the same as Ctrl alone (^F, ^L…), so taking
// those costs the program nothing.

export type PageKey =
  /** the font size: bigger, smaller, back to the setting's */
  | { zoom: -1 | 0 | 1 }
  /** Ctrl+Shift+F: the search field */
  | 'search'
  /** Ctrl+Shift+C: copy the selection */
  | 'copy'
  /** Ctrl+Shift+V: the browser pastes (xterm.js takes the paste event, bracketed when asked) */
  | 'paste'
  /** Ctrl+Shift+L: focus leaves the terminal (Tab, Shift+Tab and Escape are the program's), for its tab */
  | 'leave';

/**
 * Ctrl/Cmd with + (or =, its unshifted key), − and 0, as browsers and terminal programs zoom. Not
 * Ctrl+_ (Ctrl+Shift+−): that sends ^_, readline's undo.
 */
function zoom(event: KeyboardEvent): -1 | 0 | 1 | undefined {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return undefined;
  if (event.key === '+' || event.key === '=' || event.code === 'NumpadAdd') return 1;
  if (event.key === '-' || event.code === 'NumpadSubtract') return -1;
  if (event.key === '0' || event.code === 'Numpad0') return 0;
  return undefined;
}

const CTRL_SHIFT: Record<string, PageKey> = { f: 'search', c: 'copy', v: 'paste', l: 'leave' };

/** The page's key this keydown is, or undefined: the program's. */
export function pageKey(event: KeyboardEvent): PageKey | undefined {
  if (event.type !== 'keydown') return undefined;
  const step = zoom(event);
  if (step !== undefined) return { zoom: step };
  if (!event.ctrlKey || !event.shiftKey || event.altKey) return undefined;
  return CTRL_SHIFT[event.key.toLowerCase()];
}

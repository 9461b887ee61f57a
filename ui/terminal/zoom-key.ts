// The font-size keys of a terminal, apart from the session that acts on them.

/**
 * Ctrl/Cmd with + (or =, its unshifted key), − and 0, as browsers and terminal programs zoom: 1,
 * -1, 0; anything else undefined. Not Ctrl+_ (Ctrl+Shift+−): that sends ^_, readline's undo.
 */
export function zoomStep(event: KeyboardEvent): -1 | 0 | 1 | undefined {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return undefined;
  if (event.key === '+' || event.key === '=' || event.code === 'NumpadAdd') return 1;
  if (event.key === '-' || event.code === 'NumpadSubtract') return -1;
  if (event.key === '0' || event.code === 'Numpad0') return 0;
  return undefined;
}

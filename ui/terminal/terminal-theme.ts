// A terminal's colours for the page's dark and light schemes. The light one moves xterm.js's
// white, bright white and yellows darker: their defaults vanish on a near-white background.
export function themeFor(dark: boolean) {
  return dark
    ? { background: '#14171c', foreground: '#d7dce2', cursor: '#d7dce2', selectionBackground: '#3a4656' }
    : { background: '#fbfbfc', foreground: '#1e2329', cursor: '#1e2329', selectionBackground: '#c9d7ea', black: '#1e2329', brightBlack: '#5c6570', white: '#a0a7b0', brightWhite: '#c8ced6', yellow: '#8a6a00', brightYellow: '#7a5d00' };
}

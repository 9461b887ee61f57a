// One terminal on the page: an xterm.js screen bound to one session of the socket. It is the
// sink for the session's bytes (writing them, and saying when they are on screen so the socket
// can acknowledge them), it sends keystrokes and sizes back, and it writes our own short notes
// (terminal-notes.ts) between the program's output. It also holds what the right-click menu and
// the keys do to it: copy, paste, select all, clear, font size.
// The screen outlives its panel: switching tabs moves its element; leaving its pod lets it go (terminal-manager.ts).
// A TTY attaches for its screen as the server has it: after a reload, vim or top come back whole.
import { Terminal, type IDisposable } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import type { AttachInfo, SessionSink, SocketClient } from '../../src/protocol/socket-client.ts';
import type { SessionRow } from '../../src/protocol/index.ts';
import { isEnded } from '../state/app-state.ts';
import { openSafeLink } from './safe-link.ts';
import { InputQueue, PASTE_PIECE, withoutPasteMarkers } from './input-queue.ts';
import { TerminalRenderer } from './renderer.ts';
import type { RendererChoice } from '../state/preferences.ts';
import { pageKey } from './terminal-keys.ts';
import { TerminalNotes } from './terminal-notes.ts';
import { themeFor } from './terminal-theme.ts';

export interface TerminalOptions {
  dark: boolean;
  /** team mode: someone else's terminal, watched (an admin's view): nothing typed or resized here is sent */
  readOnly?: boolean;
  /** a shared terminal (a participant's view): typed into, but its size is its owner's, never sent from here */
  sizeFromOwner?: boolean;
  /** CSS pixels (state/preferences.ts bounds it) */
  fontSize: number;
  /** a selection goes to the clipboard as soon as it is made */
  copyOnSelect: boolean;
  /** the WebGL renderer while shown (renderer.ts), else the DOM renderer */
  renderer: RendererChoice;
  /** xterm.js's screen reader mode (state/preferences.ts) */
  screenReader: boolean;
  /** Ctrl/Cmd + (1), − (-1), 0 (default size) pressed in this terminal */
  zoom: (step: -1 | 0 | 1) => void;
  /** an earlier session of this terminal owed its program a bracketed paste's end marker (input-queue.ts) */
  owesPasteEnd?: boolean;
}

export class TerminalSession implements SessionSink {
  readonly element: HTMLDivElement;
  readonly term: Terminal;
  readonly #fit = new FitAddon();
  readonly #search = new SearchAddon();
  readonly #disposables: IDisposable[] = [];
  readonly #socket: SocketClient;
  #row: SessionRow;
  #opened = false;
  /** screen bytes still to be written after an attach: once they are, the terminal fits its place again */
  #screenLeft = 0;
  /** the terminal is being sized for a screen: the session is not told (it already has that size) */
  #sizingForScreen = false;
  readonly #notes: TerminalNotes;
  #onSearchRequest: (() => void) | undefined;
  #readOnly: boolean;
  readonly #sizeFromOwner: boolean;
  #copyOnSelect: boolean;
  readonly #zoom: TerminalOptions['zoom'];
  /** keystrokes and pastes on their way to the socket (a big paste in pieces) */
  readonly #input: InputQueue;
  readonly #renderer: TerminalRenderer;
  readonly #reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

  constructor(row: SessionRow, socket: SocketClient, options: TerminalOptions) {
    this.#row = row;
    this.#socket = socket;
    this.#readOnly = options.readOnly ?? false;
    this.#sizeFromOwner = options.sizeFromOwner ?? false;
    this.#copyOnSelect = options.copyOnSelect;
    this.#zoom = options.zoom;
    this.#input = new InputQueue({ input: (text) => this.#socket.input(row.sessionId, text), cancel: () => this.#socket.cancelInput(row.sessionId) }, options.owesPasteEnd);
    this.element = document.createElement('div');
    this.element.className = 'xterm-host';
    this.term = new Terminal({
      convertEol: !row.interactive, // a non-TTY command prints bare \n
      scrollback: 10_000,
      fontFamily: 'ui-monospace, "SFMono-Regular", "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: options.fontSize,
      screenReaderMode: options.screenReader,
      theme: themeFor(options.dark),
      allowProposedApi: true, // the search addon's match decorations
      linkHandler: { activate: (_event, uri) => void openSafeLink(uri), allowNonHttpProtocols: false },
    });
    this.#syncInput();
    this.#reducedMotion.onchange = () => this.#syncInput(); // live, as the theme follows dark mode
    this.term.loadAddon(this.#fit);
    this.term.loadAddon(this.#search);
    this.term.loadAddon(new WebLinksAddon((_event, uri) => void openSafeLink(uri)));
    this.#renderer = new TerminalRenderer(this.term, this.element, options.renderer);
    this.#notes = new TerminalNotes(this.term);
    this.#disposables.push(
      // xterm answers some queries by itself (onData without a keystroke): a watcher sends none of it
      this.term.onData((data) => this.#readOnly || this.#input.type(data)),
      this.term.onBinary((data) => this.#readOnly || this.#socket.input(this.#row.sessionId, Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff))),
      this.term.onResize(({ cols, rows }) => this.#ownersSize || this.#sizingForScreen || this.#socket.resize(this.#row.sessionId, cols, rows)),
      this.term.onSelectionChange(() => {
        if (this.#copyOnSelect && this.term.hasSelection()) void this.copySelection();
      }),
    );
    this.term.attachCustomKeyEventHandler((event) => this.#key(event));
    // every paste takes one way (ours: a big one goes out in pieces), Ctrl+Shift+V and the browser's menu too
    this.element.addEventListener(
      'paste',
      (event) => {
        const text = event.clipboardData?.getData('text/plain');
        if (text === undefined) return;
        event.preventDefault();
        event.stopPropagation();
        this.paste(text);
      },
      true,
    );
    if (!row.interactive) this.term.write('\x1b[?25l'); // nobody types here: no cursor
    Object.defineProperty(this.element, 'terminal', { value: this.term }); // tests and devtools read its buffer
    socket.attach(row.sessionId, this, { screen: row.interactive });
  }

  get row(): SessionRow {
    return this.#row;
  }

  /** Ctrl+Shift+F inside the terminal asks the view to show its search field. */
  onSearchRequest(listener: (() => void) | undefined): void {
    this.#onSearchRequest = listener;
  }

  /** Put the screen into `parent` (first time: create it) and fit it to the space there. */
  mount(parent: HTMLElement): void {
    if (this.element.parentElement !== parent) parent.appendChild(this.element);
    if (!this.#opened) {
      this.term.open(this.element);
      // keys go to the program, Tab and Escape too: a screen reader says how out, and where its output is read
      this.term.textarea?.setAttribute('aria-description', 'Ctrl+Shift+L leaves the terminal. Settings has screen reader support for its output.');
      this.#opened = true;
    }
    this.#renderer.show();
    this.fit();
  }

  unmount(): void {
    this.#renderer.hide();
    this.element.remove();
  }

  /** Watched, not typed into: no keystrokes, no sizes; the screen takes the owner's size instead. */
  setReadOnly(readOnly: boolean): void {
    if (readOnly === this.#readOnly) return;
    this.#readOnly = readOnly;
    this.#syncInput();
    if (readOnly) this.#input.cancel();
    this.fit();
  }

  /**
   * Fit to the element's size; a change is sent to the server through onResize. A watched
   * terminal is never resized by this page: it shows the owner's size, so lines wrap as theirs do.
   * A screen being drawn keeps the size it was built at: the fit comes once it is drawn.
   */
  fit(): void {
    if (this.#screenLeft > 0 || !this.#opened || !this.element.isConnected || this.element.clientWidth === 0) return;
    if (this.#ownersSize) {
      const size = this.#row.size;
      if (size && (size.cols !== this.term.cols || size.rows !== this.term.rows)) this.term.resize(size.cols, size.rows);
      else if (!size) this.#fitQuietly();
      return;
    }
    this.#fitQuietly();
    this.#socket.resize(this.#row.sessionId, this.term.cols, this.term.rows);
  }

  #fitQuietly(): void {
    try {
      this.#fit.fit();
    } catch {
      // the renderer is not measured yet; the next fit will do it
    }
  }

  /** the screen takes the owner's size: watched, or typed into through a share */
  get #ownersSize(): boolean {
    return this.#readOnly || this.#sizeFromOwner;
  }

  #inputOff(row: SessionRow): boolean {
    return this.#readOnly || !row.interactive || isEnded(row);
  }

  /** Keys only where someone types, and a blinking cursor there: not with prefers-reduced-motion (a blink is motion). */
  #syncInput(): void {
    this.term.options.disableStdin = this.#inputOff(this.#row);
    this.term.options.cursorBlink = !this.#inputOff(this.#row) && !this.#reducedMotion.matches;
  }

  focus(): void {
    this.term.focus();
  }

  /** Font size and copy on select, as this browser's settings say (fitting again: the server gets the new cols and rows). */
  setPreferences(preferences: { fontSize: number; copyOnSelect: boolean; renderer: RendererChoice; screenReader: boolean }): void {
    this.#copyOnSelect = preferences.copyOnSelect;
    this.#renderer.choose(preferences.renderer);
    this.term.options.screenReaderMode = preferences.screenReader;
    if (this.term.options.fontSize === preferences.fontSize) return;
    this.term.options.fontSize = preferences.fontSize;
    this.fit();
  }

  /** Whether keystrokes and pastes reach the process (not ended, interactive, not only watched). */
  get takesInput(): boolean {
    return !this.#inputOff(this.#row);
  }

  /** Copy the selection; resolves to why it could not, or undefined. */
  async copySelection(): Promise<string | undefined> {
    const selection = this.term.getSelection();
    if (!selection) return 'Nothing is selected: select text with the mouse first (or Select all).';
    if (!navigator.clipboard?.writeText) return noClipboard;
    try {
      await navigator.clipboard.writeText(selection);
      return undefined;
    } catch (error) {
      return `The browser refused to write to the clipboard (${(error as Error).message}): allow clipboard access for this site, or copy with Ctrl+Shift+C.`;
    }
  }

  /** Paste the clipboard's text as typed (bracketed when the program asks); resolves to why it could not, or undefined. */
  async pasteFromClipboard(): Promise<string | undefined> {
    if (!this.takesInput) return 'This terminal takes no input now: nothing was pasted.';
    if (!navigator.clipboard?.readText) return noClipboard;
    let text: string;
    try {
      text = await navigator.clipboard.readText();
    } catch (error) {
      return `The browser refused to read the clipboard (${(error as Error).message}): allow clipboard access for this site, or paste with Ctrl+Shift+V.`;
    }
    this.paste(text);
    this.focus();
    return undefined;
  }

  /** Paste text as typed: newlines as Enter, bracketed when the program asked (as xterm.js does); a big one in pieces. */
  paste(pasted: string): void {
    const text = withoutPasteMarkers(pasted); // never the end of a bracketed paste before its end
    if (!this.takesInput || text === '') return;
    if (text.length <= PASTE_PIECE && !this.#input.busy) {
      this.#input.dismissCut(); // a new paste, of what was missing say: the old notice goes
      this.term.paste(text);
      return;
    }
    this.term.scrollToBottom();
    this.#input.paste(text, this.term.modes.bracketedPasteMode);
  }

  selectAll(): void {
    this.term.selectAll();
  }

  /** Empty the screen and scrollback here (the program is not told; its next output starts at the top). */
  clear(): void {
    this.term.clear();
  }

  /** A big paste's progress line and Stop pasting, one cut short (and the end marker it owes), and whether input is still on its way (a detach would drop it). */
  get pasting(): Pick<InputQueue, 'onProgress' | 'cancel' | 'dismissCut' | 'onItsWay' | 'whenSettled' | 'cutShort' | 'owesEnd'> {
    return this.#input;
  }

  setTheme(dark: boolean): void {
    this.term.options.theme = themeFor(dark);
  }

  find(query: string, direction: 'next' | 'previous'): boolean {
    if (!query) {
      this.#search.clearDecorations();
      return false;
    }
    const options = { caseSensitive: false, decorations: { matchOverviewRuler: '#888', activeMatchColorOverviewRuler: '#f80', matchBackground: '#6b5d1a', activeMatchBackground: '#b86e00' } };
    return direction === 'next' ? this.#search.findNext(query, options) : this.#search.findPrevious(query, options);
  }

  clearSearch(): void {
    this.#search.clearDecorations();
  }

  /** The whole scrollback as text, one line per row, wrapped rows joined. */
  transcript(): string {
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      if (!line) continue;
      const text = line.translateToString(true);
      if (line.isWrapped && lines.length) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n') + '\n';
  }

  /** The server's view of the session changed: read-only when ended, a note on each transition. */
  update(row: SessionRow): void {
    const before = this.#row;
    this.#row = row;
    this.#syncInput();
    // ended: the rest of a paste would only be refused, piece by piece
    if (this.#input.busy && this.#inputOff(row)) this.#input.cancel();
    if (before.run !== row.run) this.#input.forgetEnd(); // a new program never saw the paste
    if (this.#ownersSize && (before.size?.cols !== row.size?.cols || before.size?.rows !== row.size?.rows)) this.fit();
    if (before.run !== row.run && this.#notes.started) this.#notes.after(`── restarted (run ${row.run}) ──`, row.interactive ? '\x1b[?25h' : '');
    this.#notes.state(row);
  }

  dispose(): void {
    this.#reducedMotion.onchange = null; // the browser keeps a list with a listener: this one would keep the screen
    this.#socket.detach(this.#row.sessionId);
    for (const d of this.#disposables) d.dispose();
    this.#renderer.hide();
    this.term.dispose();
    this.element.remove();
  }

  // ---- SessionSink -------------------------------------------------------------------------

  output(bytes: Uint8Array, _channel: 'stdout' | 'stderr', written: () => void): void {
    const screenEnds = this.#screenLeft > 0 && (this.#screenLeft -= bytes.length) <= 0;
    // the screen is drawn: fit it to its place, and a new size makes the program redraw for it
    this.term.write(bytes, screenEnds ? () => (written(), this.fit()) : written);
    this.#notes.written(bytes.length);
  }

  attached(info: AttachInfo): void {
    const screenWasDue = this.#screenLeft > 0;
    this.#screenLeft = 0;
    if (info.screen) this.#prepareForScreen(info);
    else if (screenWasDue) this.fit(); // the screen it waited for will not come (a drop, then a raw replay)
    const notes = this.#notes;
    notes.replayStarts(info.replayBytes);
    const dropped = `… ${info.dropped} bytes of earlier output are no longer kept by the server …`;
    // a screen is drawn on an empty terminal: a note about it follows it; a catch-up under a flood drops bytes as a matter of course
    if (info.dropped > 0 && !info.caughtUp) (info.screen ? notes.after(dropped) : notes.now(dropped));
    if (info.restored && !info.reattach) notes.now('(octant-exec restarted since this terminal ran: its earlier output is gone)');
    if (!notes.replaying) notes.flush();
    else notes.state(this.#row);
  }

  /** A screen is drawn on an empty terminal of its size (then fitted); a reattach (a drop mid-screen, a catch-up) starts over: a reset written after what waits to be drawn, its last note again after. */
  #prepareForScreen(info: AttachInfo): void {
    if (info.reattach) (this.term.write('\x1bc'), this.#notes.forgetState());
    this.#screenLeft = info.replayBytes;
    const size = info.screenSize;
    if (!size || (size.cols === this.term.cols && size.rows === this.term.rows)) return;
    this.#sizingForScreen = true;
    try {
      this.term.resize(size.cols, size.rows);
    } finally {
      this.#sizingForScreen = false;
    }
  }

  inputPending(bytes: number, lost: boolean): void {
    this.#input.socketPending(bytes, lost);
  }

  detached(_reason: string, message?: string): void {
    this.#notes.now(message ? `(${message})` : '(closed)');
  }

  error(message: string): void {
    this.#notes.now(message);
  }

  #key(event: KeyboardEvent): boolean {
    const key = pageKey(event);
    if (key === undefined) return true;
    if (key === 'paste') return false; // the browser's paste event does it
    event.preventDefault(); // the terminal's text gets bigger, not the whole page; no browser search
    if (typeof key === 'object') this.#zoom(key.zoom);
    else if (key === 'search') this.#onSearchRequest?.();
    else if (key === 'copy' && this.term.hasSelection()) void this.copySelection();
    else if (key === 'leave') this.#leave();
    return false;
  }

  /** Focus to this terminal's tab (its selected one), so Tab goes on from there; without tabs (the embed, a share) out of the terminal only. */
  #leave(): void {
    this.term.blur();
    document.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus();
  }
}

const noClipboard = 'This browser gives the page no clipboard access here (it needs https or localhost): use Ctrl+Shift+C and Ctrl+Shift+V.';

// Keeps one TerminalSession per session this page shows, in step with the store: created when a
// view first needs it, told of every change to its row (and whether it is only watched: someone
// else's terminal in a team mode) and of this browser's settings (font size, copy on select, WebGL),
// disposed when the session is closed, or when no view shows it any more (the page left its pod):
// attached, it would have the server send this page every byte it prints, for nothing. Shown
// again, it attaches afresh, as after a reload: a terminal's screen as the server has it.
import type { SocketClient } from '../../src/protocol/socket-client.ts';
import type { SessionRow } from '../../src/protocol/index.ts';
import type { AppState } from '../state/app-state.ts';
import type { Store } from '../state/store.ts';
import { isWatched } from '../state/team.ts';
import type { Preferences } from '../state/preferences.ts';
import { TerminalSession } from './terminal-session.ts';
import { cutShortWords } from './input-queue.ts';

export interface TerminalManagerOptions {
  /** Ctrl/Cmd + (1), − (-1) or 0 on any terminal: the font size setting changes (and comes back through the store) */
  zoom: (step: -1 | 0 | 1) => void;
  /** an alert, for a paste cut short in a terminal no view shows any more */
  notify: (message: string, title: string) => void;
}

export class TerminalManager {
  readonly #sessions = new Map<string, TerminalSession>();
  /** how many strips of tabs show each session now */
  readonly #shown = new Map<string, number>();
  /** terminals whose disposed session owed its program a bracketed paste's end marker (input-queue.ts): the next one sends it */
  readonly #endsOwed = new Set<string>();
  readonly #socket: SocketClient;
  readonly #dark: MediaQueryList;
  readonly #store: Store<AppState>;
  readonly #options: TerminalManagerOptions;
  #preferences: Preferences;

  constructor(store: Store<AppState>, socket: SocketClient, options: TerminalManagerOptions) {
    this.#socket = socket;
    this.#store = store;
    this.#options = options;
    this.#preferences = store.get().preferences;
    this.#dark = window.matchMedia('(prefers-color-scheme: dark)');
    this.#dark.addEventListener('change', () => {
      for (const session of this.#sessions.values()) session.setTheme(this.#dark.matches);
    });
    store.subscribe((state) => this.#sync(state));
  }

  /** The terminal of a session, created (and attached) on first use. */
  get(row: SessionRow): TerminalSession {
    let session = this.#sessions.get(row.sessionId);
    if (!session) {
      const { fontSize, copyOnSelect, renderer, screenReader } = this.#preferences;
      const owesPasteEnd = this.#endsOwed.delete(row.sessionId);
      session = new TerminalSession(row, this.#socket, { dark: this.#dark.matches, readOnly: isWatched(this.#store.get(), row), fontSize, copyOnSelect, renderer, screenReader, zoom: this.#options.zoom, owesPasteEnd });
      this.#sessions.set(row.sessionId, session);
    }
    return session;
  }

  /**
   * A strip of tabs (a pod's, a batch's) shows these sessions: each one's terminal receives its
   * output, shown or not, so switching tabs is instant. Returns the let-go, for when the strip goes
   * or changes: a session no strip shows then is disposed (detached), once what was typed or
   * pasted into it has gone (a detach would drop it).
   */
  show(rows: SessionRow[]): () => void {
    for (const row of rows) {
      this.get(row);
      this.#shown.set(row.sessionId, (this.#shown.get(row.sessionId) ?? 0) + 1);
    }
    return () => {
      for (const { sessionId } of rows) this.#shown.set(sessionId, (this.#shown.get(sessionId) ?? 1) - 1);
      // after the commit: the strip that replaces this one (one more tab of the same pod) shows most of them again
      queueMicrotask(() => rows.forEach(({ sessionId }) => this.#letGo(sessionId)));
    };
  }

  #letGo(sessionId: string): void {
    const session = this.#sessions.get(sessionId);
    if ((this.#shown.get(sessionId) ?? 0) > 0) return;
    this.#shown.delete(sessionId);
    if (!session) return;
    // what was typed or pasted and not yet sent would go with a detach: let go once it went (or
    // the link's loss dropped it), after whatever is told from inside the queue has run
    if (session.pasting.onItsWay) return session.pasting.whenSettled(() => queueMicrotask(() => this.#letGo(sessionId)));
    // a paste cut short that no panel shows any more is said in an alert
    const cut = session.pasting.cutShort;
    if (cut) this.#options.notify(cutShortWords(cut), `Paste into ${session.row.target.pod}/${session.row.target.container}`);
    if (session.pasting.owesEnd) this.#endsOwed.add(sessionId);
    this.#sessions.delete(sessionId);
    session.dispose();
  }

  peek(sessionId: string): TerminalSession | undefined {
    return this.#sessions.get(sessionId);
  }

  #sync(state: AppState): void {
    for (const id of this.#endsOwed) if (!state.sessions.byId[id]) this.#endsOwed.delete(id);
    const preferences = state.preferences;
    const changed = preferences !== this.#preferences;
    this.#preferences = preferences;
    for (const [id, session] of this.#sessions) {
      const row = state.sessions.byId[id];
      if (!row) {
        this.#sessions.delete(id);
        this.#shown.delete(id);
        session.dispose();
      } else {
        // first read-only (a watcher's size follows the row), then the row's own changes
        session.setReadOnly(isWatched(state, row));
        if (row !== session.row) session.update(row);
        if (changed) session.setPreferences(preferences);
      }
    }
  }
}

// Keeps one TerminalSession per session this page shows, in step with the store: created when a
// view first needs it, told of every change to its row (and whether it is only watched: someone
// else's terminal in a team mode), disposed when the session is closed.
import type { SocketClient } from '../../src/protocol/socket-client.ts';
import type { SessionRow } from '../../src/protocol/index.ts';
import type { AppState } from '../state/app-state.ts';
import type { Store } from '../state/store.ts';
import { isWatched } from '../state/team.ts';
import { TerminalSession } from './terminal-session.ts';

export class TerminalManager {
  readonly #sessions = new Map<string, TerminalSession>();
  readonly #socket: SocketClient;
  readonly #dark: MediaQueryList;
  readonly #store: Store<AppState>;

  constructor(store: Store<AppState>, socket: SocketClient) {
    this.#socket = socket;
    this.#store = store;
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
      session = new TerminalSession(row, this.#socket, { dark: this.#dark.matches, readOnly: isWatched(this.#store.get(), row) });
      this.#sessions.set(row.sessionId, session);
    }
    return session;
  }

  peek(sessionId: string): TerminalSession | undefined {
    return this.#sessions.get(sessionId);
  }

  #sync(state: AppState): void {
    for (const [id, session] of this.#sessions) {
      const row = state.sessions.byId[id];
      if (!row) {
        this.#sessions.delete(id);
        session.dispose();
      } else {
        // first read-only (a watcher's size follows the row), then the row's own changes
        session.setReadOnly(isWatched(state, row));
        if (row !== session.row) session.update(row);
      }
    }
  }
}

// The shared page's one terminal (views/shared-page.tsx shows it): a socket of its own and one
// screen bound to the shared session. Its size is the owner's (never sent from here); a viewer's
// screen sends no keystrokes. It tells the page when the owner changes this person's role, when
// the share ends (revoked, expired, removed: the server says which), and when the terminal's run
// ends or starts again, and follows its row (the owner's size, the run's state) as it changes.
import { SocketClient } from '../../src/protocol/socket-client.ts';
import type { SessionRow, SharedReply, ShareRole } from '../../src/protocol/index.ts';
import { TerminalSession } from './terminal-session.ts';
import { isEnded } from '../state/app-state.ts';
import { readPreferences } from '../state/preferences.ts';
import { browserStorage } from '../state/browser-storage.ts';

export interface SharedScreenEvents {
  role(role: ShareRole): void;
  ended(message: string): void;
  /** the terminal's run is over (true), or runs (false) */
  finished(finished: boolean): void;
  /** the terminal's row as it is now (its recording, among the rest) */
  row(row: SessionRow): void;
}

export class SharedScreen {
  readonly #socket: SocketClient;
  readonly #session: TerminalSession;
  readonly #stop: () => void;
  /** the terminal's colours follow the system's scheme as it changes, as the app's terminals do */
  readonly #dark = window.matchMedia('(prefers-color-scheme: dark)');
  readonly #schemeChanged = () => this.#session.setTheme(this.#dark.matches);

  /** `mayRetry`: after a failed reconnect, whether the share still lets this page in */
  constructor(shared: SharedReply, events: SharedScreenEvents, mayRetry: () => Promise<boolean>) {
    // the share named: a browser may hold several links' cookies
    this.#socket = new SocketClient({ url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/stream?share=${encodeURIComponent(shared.shareId)}`, mayRetry });
    const { fontSize, copyOnSelect, renderer, screenReader } = readPreferences(browserStorage('localStorage')); // this browser's own settings
    const session = (this.#session = new TerminalSession(shared.session, this.#socket, { dark: this.#dark.matches, readOnly: shared.role === 'viewer', sizeFromOwner: true, fontSize, copyOnSelect, renderer, screenReader, zoom: () => {} }));
    this.#stop = this.#socket.onMessage((message) => {
      // the terminal's row as it changes: the owner's size, the run's state
      if (message.type === 'session' && message.session.sessionId === shared.sessionId) {
        session.update(message.session);
        events.row(message.session);
        return events.finished(isEnded(message.session));
      }
      if (!('sessionId' in message) || message.sessionId !== shared.sessionId) return;
      if (message.type === 'shareRole') {
        session.setReadOnly(message.role === 'viewer');
        events.role(message.role);
      } else if (message.type === 'detached' && message.reason === 'shareEnded') {
        session.setReadOnly(true);
        events.ended(message.message ?? 'This share has ended.');
      } else if (message.type === 'attached') {
        session.update(message.session);
        events.row(message.session);
        events.finished(!message.running && isEnded(message.session)); // not running yet while it connects
      } else if (message.type === 'stream') {
        events.finished(message.state === 'closed');
      }
    });
    this.#dark.addEventListener('change', this.#schemeChanged);
    this.#socket.connect();
  }

  mount(parent: HTMLElement): void {
    this.#session.mount(parent);
    this.#session.focus();
  }

  fit(): void {
    this.#session.fit();
  }

  dispose(): void {
    this.#dark.removeEventListener('change', this.#schemeChanged);
    this.#stop();
    this.#session.dispose();
    this.#socket.close();
  }
}

// The scripted browser: the page's own socket client (src/protocol/socket-client.ts), unchanged,
// on the `ws` package instead of the browser's WebSocket, plus the two HTTP calls a tab makes.
// It speaks docs/api.md exactly like the UI: binary frames, `attach`, and an `ack` once the bytes
// are consumed (here: handed to the figure, which is what xterm's write callback means).
import WebSocket from 'ws';
import { SocketClient } from '../src/protocol/socket-client.ts';
import type { ExecRequest, ServerMessage, SessionRow } from '../src/protocol/index.ts';
import { isEnded } from '../src/protocol/terminal-states.ts';

export interface AppAddress {
  url: string;
  token: string;
  socketUrl: string;
}

export interface HubSession {
  sessionId: string;
  input(data: string | Uint8Array): void;
  /** resolves when the session's exec stream closed (the process ended) */
  readonly closed: Promise<void>;
}

/** A `ws` WebSocket that presents itself like the app's page: its Origin and the token. */
function pageWebSocket(app: AppAddress): new (url: string) => globalThis.WebSocket {
  const origin = new URL(app.url).origin;
  return class extends WebSocket {
    constructor(url: string) {
      super(url, { origin, headers: { Authorization: `Bearer ${app.token}` } });
    }
  } as unknown as new (url: string) => globalThis.WebSocket;
}

export class HubClient {
  readonly #app: AppAddress;
  readonly #socket: SocketClient;
  readonly #waiters = new Set<(message: ServerMessage) => void>();
  /** each terminal's row as last pushed to this page: what a figure that broke says of it */
  readonly #rows = new Map<string, SessionRow>();

  private constructor(app: AppAddress) {
    this.#app = app;
    this.#socket = new SocketClient({ url: app.socketUrl, WebSocket: pageWebSocket(app), mayRetry: async () => false });
    this.#socket.onMessage((message) => {
      if (message.type === 'hello') for (const row of message.sessions) this.#rows.set(row.sessionId, row);
      if (message.type === 'session' || message.type === 'attached') this.#rows.set(message.session.sessionId, message.session);
      if (message.type === 'sessionClosed') this.#rows.delete(message.sessionId);
      for (const waiter of [...this.#waiters]) waiter(message);
    });
  }

  /** what this page was last told of a terminal: its state and why it ended, if it did */
  describe(sessionId: string): string {
    const row = this.#rows.get(sessionId);
    if (!row) return `${sessionId}: no row`;
    const { state, exitCode, failure, disconnectReason, disconnectDetail, replica } = row;
    return `${sessionId}: ${JSON.stringify({ state, exitCode, failure, disconnectReason, disconnectDetail, replica })}`;
  }

  static async connect(app: AppAddress): Promise<HubClient> {
    const client = new HubClient(app);
    const hello = client.#next((m) => m.type === 'hello');
    client.#socket.connect();
    await hello;
    return client;
  }

  /** The next server message that matches (no timeout: a figure that hangs is a broken product). */
  #next<T extends ServerMessage>(match: (message: ServerMessage) => boolean): Promise<T> {
    return new Promise((resolve) => {
      const waiter = (message: ServerMessage) => {
        if (!match(message)) return;
        this.#waiters.delete(waiter);
        resolve(message as T);
      };
      this.#waiters.add(waiter);
    });
  }

  /** POST /api/v1/exec; resolves with the session ids. */
  async exec(body: ExecRequest): Promise<string[]> {
    const response = await fetch(new URL('/api/v1/exec', this.#app.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.#app.token}`, origin: new URL(this.#app.url).origin },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as { sessionIds?: string[]; error?: { message: string } };
    if (response.status !== 201 || !answer.sessionIds) throw new Error(`POST /exec: ${response.status} ${answer.error?.message ?? ''}`);
    return answer.sessionIds;
  }

  /** POST /api/v1/sessions/ID/close: ends it and drops it from the list. */
  async closeSession(sessionId: string): Promise<void> {
    const response = await fetch(new URL(`/api/v1/sessions/${sessionId}/close`, this.#app.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${this.#app.token}`, origin: new URL(this.#app.url).origin },
    });
    await response.arrayBuffer();
  }

  /**
   * Attach like a tab does; every output byte goes to `onData` and is then acknowledged.
   * `onError` hears the server refusing something for this session (input dropped, …).
   */
  async attach(sessionId: string, onData: (bytes: Uint8Array) => void, onError: (message: string) => void, size = { cols: 120, rows: 40 }): Promise<HubSession> {
    const attached = this.#next((m) => m.type === 'attached' && m.sessionId === sessionId);
    // over when its stream closes or its row ends; or when it is closed (POST .../close) and gone
    // from the list before either was sent, which a page hears only as sessionClosed or detached
    const closed = this.#next(
      (m) =>
        (m.type === 'stream' && m.sessionId === sessionId && m.state === 'closed') ||
        (m.type === 'session' && m.session.sessionId === sessionId && isEnded(m.session.state)) ||
        (m.type === 'sessionClosed' && m.sessionId === sessionId) ||
        (m.type === 'detached' && m.sessionId === sessionId && m.reason === 'closed'),
    ).then(() => {});
    this.#socket.resize(sessionId, size.cols, size.rows);
    this.#socket.attach(sessionId, {
      output: (bytes, _channel, written) => {
        onData(bytes);
        written();
      },
      error: onError,
    });
    await attached;
    return {
      sessionId,
      input: (data) => this.#socket.input(sessionId, data),
      closed,
    };
  }

  watchPods(namespace: string): void {
    this.#socket.watchPods(namespace);
  }

  onMessage(listener: (message: ServerMessage) => void): () => void {
    return this.#socket.onMessage(listener);
  }

  close(): void {
    this.#socket.close();
  }
}

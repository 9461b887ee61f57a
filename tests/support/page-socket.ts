// A browser tab's terminal socket in a test: the page's own socket client (ui/protocol/), which
// reconnects by itself and reattaches every terminal where its bytes stopped, on the `ws`
// package. Each terminal's bytes are hashed as they arrive (and kept, to say what went wrong).
import { createHash, type Hash } from 'node:crypto';
import WebSocket from 'ws';
import { SocketClient } from '../../src/protocol/socket-client.ts';
import type { ServerMessage } from '../../src/protocol/index.ts';

interface Received {
  hash: Hash;
  bytes: number;
  /** what arrived, as text (for a message saying what is missing) */
  text: string;
}

export class PageSocket {
  readonly client: SocketClient;
  readonly messages: ServerMessage[] = [];
  readonly #received = new Map<string, Received>();

  /** `url`: the page's origin (through a proxy, the proxy's); `token`: local mode's. */
  constructor(url: string, token: string) {
    const origin = new URL(url).origin;
    class PageWebSocket extends WebSocket {
      constructor(socketUrl: string) {
        super(socketUrl, { origin, headers: { Authorization: `Bearer ${token}` } });
        // a browser's WebSocket reports a failure as an event nobody need handle (onclose follows);
        // ws throws one nobody listens to, e.g. a socket closed while it was still connecting
        this.on('error', () => {});
      }
    }
    this.client = new SocketClient({ url: `${origin.replace(/^http/, 'ws')}/api/v1/stream`, WebSocket: PageWebSocket as unknown as new (url: string) => globalThis.WebSocket, minDelayMs: 100, maxDelayMs: 1_000 });
    this.client.onMessage((message) => this.messages.push(message));
    this.client.connect();
  }

  /** Shows a terminal, as a tab does: every byte hashed, then acknowledged. */
  attach(sessionId: string): void {
    const received: Received = { hash: createHash('sha256'), bytes: 0, text: '' };
    this.#received.set(sessionId, received);
    this.client.attach(sessionId, {
      output: (bytes, _channel, written) => {
        received.hash.update(bytes);
        received.bytes += bytes.length;
        received.text += Buffer.from(bytes).toString('utf8');
        written();
      },
    });
  }

  received(sessionId: string): { bytes: number; text: string } {
    const received = this.#received.get(sessionId);
    return { bytes: received?.bytes ?? 0, text: received?.text ?? '' };
  }

  /** The sha256 of every byte received for the terminal (once: it ends the hash). */
  sha256(sessionId: string): string {
    return this.#received.get(sessionId)!.hash.digest('hex');
  }

  close(): void {
    this.client.close();
  }
}

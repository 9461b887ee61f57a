// The terminal socket of a running server (docs/api.md, "The socket protocol") for a command
// line client: the page's own socket client (src/protocol/socket-client.ts: attach, acks, input,
// resize) on the `ws` package, which can send what a browser sends by itself: the server's
// Origin, and the token as a bearer header (never in the URL), or a team mode's session cookie.
import WebSocket from 'ws';
import { SocketClient, type SocketClientOptions } from '../../protocol/socket-client.ts';
import { API_PREFIX } from '../../protocol/index.ts';
import type { ServerAccess } from './server-client.ts';

export function serverSocket(access: ServerAccess, options: Omit<SocketClientOptions, 'url' | 'WebSocket'> = {}): SocketClient {
  const origin = access.url.origin;
  class ServerWebSocket extends WebSocket {
    constructor(url: string) {
      super(url, { origin, headers: access.cookie ? { Cookie: access.cookie } : { Authorization: `Bearer ${access.token}` } });
      // ws emits 'error' (a refused upgrade, a reset, a bad frame) and throws without a listener;
      // 'close' follows it, and the socket client tells the close
      this.on('error', () => {});
    }
  }
  const url = `${origin.replace(/^http/, 'ws')}${API_PREFIX}/stream`;
  return new SocketClient({ ...options, url, WebSocket: ServerWebSocket as unknown as new (url: string) => globalThis.WebSocket });
}

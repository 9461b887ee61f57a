// The WebSocket exec transport (kubectl 1.30+, client-node): picks v5 or v4 from the offered
// subprotocols and refuses, before anything starts, an upgrade that offers neither, because a
// failed or protocol-less upgrade makes kubectl retry over SPDY and the command would run twice.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type ServerOptions } from 'ws';
import type { ExecTransport } from './exec-transport.ts';
import { CLOSING_BACKSTOP_MS, WebSocketChannels } from './websocket-channels.ts';
import { badRequest } from '../api/kube-status.ts';
import { refuseUpgradeWithStatus } from '../api/http-replies.ts';

/** In order of preference. */
export const WEBSOCKET_PROTOCOLS = { 'v5.channel.k8s.io': 5, 'v4.channel.k8s.io': 4 } as const;
type Protocol = keyof typeof WEBSOCKET_PROTOCOLS;

/** Largest frame a client may send (stdin chunks, resize messages); bigger closes with 1009. */
export const MAX_PAYLOAD_BYTES = 1 << 20;

export function chooseProtocol(offered: string | undefined): Protocol | undefined {
  const names = (offered ?? '').split(',').map((p) => p.trim());
  return (Object.keys(WEBSOCKET_PROTOCOLS) as Protocol[]).find((p) => names.includes(p));
}

export function createWebSocketTransport(options: { heartbeatMs?: number } = {}): ExecTransport {
  // closeTimeout is ws's (since 8.19) and not yet in @types/ws
  const server = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD_BYTES,
    perMessageDeflate: false,
    closeTimeout: CLOSING_BACKSTOP_MS,
    handleProtocols: (protocols) => chooseProtocol([...protocols].join(',')) ?? false,
  } as ServerOptions);
  return {
    name: 'websocket',
    accepts: (request) => (request.headers.upgrade ?? '').toLowerCase() === 'websocket',
    upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, start) {
      const protocol = chooseProtocol(request.headers['sec-websocket-protocol']);
      if (!protocol) {
        const offered = request.headers['sec-websocket-protocol'] ?? 'none';
        return refuseUpgradeWithStatus(
          socket,
          badRequest(`unable to upgrade: no supported WebSocket subprotocol in "${offered}"; this server speaks ${Object.keys(WEBSOCKET_PROTOCOLS).join(', ')}`),
        );
      }
      server.handleUpgrade(request, socket, head, (ws) => start(new WebSocketChannels(ws, WEBSOCKET_PROTOCOLS[protocol], options.heartbeatMs, socket)));
    },
    close() {
      for (const ws of server.clients) ws.terminate();
      server.close();
    },
  };
}

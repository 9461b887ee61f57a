// Dials the SPDY/3.1 exec upgrade the way kubectl does: POST to the exec URL with
// `Upgrade: SPDY/3.1` and one X-Stream-Protocol-Version header per version, with the
// kubeconfig's credentials and TLS settings. A non-101 answer becomes UpgradeRefused with the
// server's Status, exactly as the WebSocket dialer reports it.
import type { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { socketReading } from '../../domain/socket-reading.ts';
import { SpdySession } from '../../spdy/session.ts';
import { DEFAULT_UPGRADE_TIMEOUT_MS, UpgradeRefused, armUpgradeTimeout, readStatusBody, upgradeRefusal } from './channel-socket.ts';
import { UPGRADE_BUSY_BUDGET_MS, askingAgain } from './asking-again.ts';
import { dialDirectly } from './direct-dial.ts';
import { shareSecureContext } from './secure-contexts.ts';

/** In order of preference: v5 first, as kubectl 1.29+ offers; v4 is the oldest with exit codes. */
export const spdyProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export interface SpdyConnection {
  session: SpdySession;
  /** the X-Stream-Protocol-Version the server chose */
  protocol: string;
  socket: Socket;
}

/** The upgrade, asked again when refused in a way that asking again may mend (asking-again.ts): a refused upgrade ran nothing. */
export function dialSpdy(config: KubeConfig, path: string, signal?: AbortSignal, upgradeTimeoutMs = DEFAULT_UPGRADE_TIMEOUT_MS): Promise<SpdyConnection> {
  return askingAgain(config, () => dialOnce(config, path, signal, upgradeTimeoutMs), upgradeRefusal, { signal, budgetMs: UPGRADE_BUSY_BUDGET_MS });
}

async function dialOnce(config: KubeConfig, path: string, signal: AbortSignal | undefined, upgradeTimeoutMs: number): Promise<SpdyConnection> {
  const server = config.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig context has no cluster server');
  const url = new URL(server.replace(/\/$/, '') + path);
  const options: https.RequestOptions = {
    method: 'POST',
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port || undefined,
    path: url.pathname + url.search,
    // node sends one header line per array element: what the API server's negotiation reads.
    headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': spdyProtocols, 'Content-Length': '0' },
    signal,
  };
  await config.applyToHTTPSOptions(options);
  shareSecureContext(options);
  dialDirectly(options, url.protocol === 'https:');
  const request = (url.protocol === 'https:' ? https : http).request(options);
  /** a refusal whose body is still coming */
  let refusal: http.IncomingMessage | undefined;
  // Once refused, the timeout cuts the body off: the refusal is then what came of it, and still
  // a refusal (UpgradeRefused, which the fallback reads), not a cluster out of reach.
  const disarm = armUpgradeTimeout(upgradeTimeoutMs, (reason) => (refusal ? refusal.destroy() : request.destroy(reason)));
  return new Promise((resolve, reject) => {
    request.once('upgrade', (response: http.IncomingMessage, socket: Socket, head: Buffer) => {
      disarm();
      const protocol = String(response.headers['x-stream-protocol-version'] ?? '');
      if (!spdyProtocols.includes(protocol)) {
        socket.destroy();
        // A 101 we cannot use: the server may already be waiting for streams, but no process
        // starts before they are open, so nothing ran.
        return reject(new Error(`the cluster switched to SPDY with protocol "${protocol}", expected one of ${spdyProtocols.join(', ')}`));
      }
      socket.setNoDelay(true);
      // A peer that ignores our windows is held back by not reading: underneath too where need be.
      resolve({ session: new SpdySession(socket, { role: 'client', head, reading: socketReading(socket) }), protocol, socket });
    });
    request.once('response', (response: http.IncomingMessage) => {
      refusal = response;
      readStatusBody(response).then((status) => {
        disarm();
        reject(new UpgradeRefused(response.statusCode ?? 0, status, response.headers['retry-after']));
      });
    });
    // aborted (closed): the reason, not node's generic AbortError
    request.once('error', (error) => {
      disarm();
      reject(signal?.aborted ? signal.reason : error);
    });
    request.end();
  });
}

// Dials the Kubernetes channel WebSocket for client-node's Exec (its WebSocketInterface seam):
// the same URL and credentials client-node would use, plus what its own dialer drops: the Status
// body of a refused upgrade, and a frame size limit.
import type { KubeConfig } from '@kubernetes/client-node';
import { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { Socket } from 'node:net';
import { dialDirectly } from './direct-dial.ts';
import { startReading, stopReading } from '../../domain/socket-reading.ts';
import { shareSecureContext } from './secure-contexts.ts';
import type { KubeStatusLike } from './status.ts';

/** v5 adds the stdin-close frame; v4 is the oldest with exit codes in a Status. */
export const channelProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const maxFrameBytes = 4 * 1024 * 1024;
const maxRefusalBodyBytes = 64 * 1024;

/** The upgrade was answered with something other than 101: what the server said. */
export class UpgradeRefused extends Error {
  constructor(
    readonly httpCode: number,
    readonly status: KubeStatusLike,
  ) {
    super(`upgrade refused with HTTP ${httpCode}`);
  }
}

export class ChannelSocketDialer {
  /**
   * `path`: dial this instead of the path client-node's Exec asks for. An attach takes it: Exec
   * handles the channels and the closing Status as an attach needs (client-node's Attach drops
   * the Status), and only its URL (…/attach, no command) differs.
   */
  constructor(
    private readonly config: KubeConfig,
    private readonly path?: string,
  ) {}

  async connect(requested: string, _text: unknown, binary: ((channel: number, payload: Buffer) => boolean) | null): Promise<WebSocket> {
    const path = this.path ?? requested;
    const server = this.config.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig context has no cluster server');
    const options: WebSocket.ClientOptions = { maxPayload: maxFrameBytes };
    await this.config.applyToHTTPSOptions(options);
    shareSecureContext(options);
    const uri = server.replace(/^http/, 'ws').replace(/\/$/, '') + path;
    dialDirectly(options, uri.startsWith('wss:'));
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(uri, channelProtocols, options);
      socket.on('unexpected-response', (_request, response: IncomingMessage) => {
        readStatusBody(response).then((status) => {
          reject(new UpgradeRefused(response.statusCode ?? 0, status));
          socket.terminate();
        });
      });
      // the connection itself (ws keeps it private), for setReading to stop underneath
      socket.once('upgrade', (response: IncomingMessage) => under.set(socket, response.socket));
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
      socket.on('message', (data: Buffer, isBinary) => {
        if (!isBinary || data.length === 0 || !binary) return;
        if (!binary(data[0], data.subarray(1))) socket.close(1000);
      });
    });
  }
}

/** the connection under a dialed WebSocket, where its reading may have to be stopped underneath */
const under = new WeakMap<WebSocket, Socket>();

/** Pauses (or resumes) a dialed socket's reading, underneath too where a paused TLS socket reads on. */
export function setReading(socket: WebSocket, reading: boolean): void {
  if (reading) startReading(under.get(socket), () => socket.resume());
  else stopReading(under.get(socket), () => socket.pause());
}

/** The body of a refused upgrade as a Status (or the server's text as its message); the SPDY dialer shares it. */
export async function readStatusBody(response: IncomingMessage): Promise<KubeStatusLike> {
  return parseStatus(await readBody(response));
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks).toString('utf8'));
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxRefusalBodyBytes) chunks.push(chunk);
    });
    response.on('end', done);
    response.on('error', done);
  });
}

function parseStatus(body: string): KubeStatusLike {
  try {
    const value = JSON.parse(body);
    if (typeof value === 'object' && value !== null) return value;
  } catch {
    // not JSON: a proxy's or an old server's text
  }
  return body.trim() ? { message: body.trim().slice(0, 500) } : {};
}

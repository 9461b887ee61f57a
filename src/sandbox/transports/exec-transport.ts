// How an exec transport (WebSocket channel protocol, SPDY/3.1) plugs into the sandbox: the
// server has already checked the token, the names, RBAC and the container before it hands an
// upgrade to the transport, so a transport only speaks its wire format.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecChannels } from './exec-channels.ts';

export interface ExecTransport {
  readonly name: string;
  /** true when this upgrade request is meant for this transport */
  accepts(request: IncomingMessage): boolean;
  /**
   * Completes the upgrade and calls start with the channels, or refuses it with a 4xx written
   * on the socket (start is then never called, so no process starts).
   */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, start: (channels: ExecChannels) => void): void;
  /** ends every connection this transport still holds */
  close(): void;
}

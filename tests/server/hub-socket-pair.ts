// One HubSockets with one socket of a given caller and a ws client for it, with no hub around
// them: for tests of what the socket layer itself does (sendLatest, a caller's socket lifetime).
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import WebSocket from 'ws';
import { HubSockets, type HubSocket } from '../../src/server/hub-sockets.ts';
import { hubOptions, type StreamHubOptions } from '../../src/server/hub-options.ts';
import { LOCAL_CALLER, type Caller } from '../../src/server/caller.ts';
import type { ServerMessage } from '../../src/protocol/socket-messages.ts';

export interface SocketPair {
  socket: HubSocket;
  client: WebSocket;
  /** the client's text messages, parsed, in order */
  received: ServerMessage[];
  /** the close code and reason the client got */
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export async function openSocketPair(caller: Caller = LOCAL_CALLER, options: StreamHubOptions = {}): Promise<SocketPair> {
  let connected: (socket: HubSocket) => void = () => {};
  const opened = new Promise<HubSocket>((resolve) => (connected = resolve));
  const sockets = new HubSockets(hubOptions(options), { connected, binary: () => {}, control: () => {}, disconnected: () => {} });
  const server = http.createServer();
  server.on('upgrade', (req, tcp, head) => sockets.handleUpgrade(req, tcp, head, caller));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const received: ServerMessage[] = [];
  client.on('message', (data, isBinary) => !isBinary && received.push(JSON.parse(String(data))));
  client.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => client.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const [socket] = await Promise.all([opened, new Promise((resolve) => client.once('open', resolve))]);
  return {
    socket,
    client,
    received,
    closed,
    close: async () => {
      client.terminate();
      sockets.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The client's TCP socket under its WebSocket: paused, it reads nothing more and the server's writes back up. */
export const clientTcp = (client: WebSocket) => (client as unknown as { _socket: Socket })._socket;

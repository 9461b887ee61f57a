// A scripted "API server" for the adapter tests: plain http on loopback, whose exec upgrades are
// handed to the test as a WebSocket (v5 or the first offered), a SPDY server session, or the raw
// socket; plus the run's uncaught exceptions, which a hostile cluster must never cause.
import http from 'node:http';
import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import process from 'node:process';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { SpdySession } from '../../src/spdy/session.ts';
import type { SpdyStream } from '../../src/spdy/stream.ts';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import type { ExecAdapter } from '../../src/adapters/exec.ts';
import { SpdyExecAdapter } from '../../src/adapters/kubernetes/spdy-exec.ts';
import { WebSocketExecAdapter } from '../../src/adapters/kubernetes/websocket-exec.ts';
import { oneClusterConfig } from '../support/one-cluster-config.ts';

export interface Scripts {
  websocket?: (socket: WebSocket, request: http.IncomingMessage) => void;
  /** `socket`: the connection under the session, where a script writes frames the session would not */
  spdy?: (session: SpdySession, request: http.IncomingMessage, socket: Duplex) => void;
  /** the upgrade as it came, unanswered: the script writes what it likes */
  raw?: (socket: Duplex, request: http.IncomingMessage, head: Buffer) => void;
  /** a plain request (a refused upgrade is a response, not an upgrade, when the script says so) */
  request?: (request: http.IncomingMessage, response: http.ServerResponse) => void;
  /** an upgrade answered with this HTTP answer instead (a 401, a 429 with Retry-After), or undefined to take it */
  refuse?: (request: http.IncomingMessage) => { code: number; headers?: Record<string, string>; body?: string } | undefined;
}

/** `user`: the kubeconfig's user (default: a bearer token) */
export async function fakeCluster(scripts: Scripts, user?: Parameters<typeof oneClusterConfig>[1]) {
  const server = http.createServer((request, response) => (scripts.request ? scripts.request(request, response) : response.writeHead(404).end()));
  const sockets = new WebSocketServer({ noServer: true, handleProtocols: (offered) => [...offered][0] ?? false });
  const connections = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    // the client's end is what counts (an upgraded socket is half-open until the script ends it)
    socket.on('end', () => connections.delete(socket));
    socket.on('close', () => connections.delete(socket));
  });
  server.on('upgrade', (request, socket: Duplex, head: Buffer) => {
    const refusal = scripts.refuse?.(request);
    if (refusal) {
      const body = refusal.body ?? '';
      const headers = Object.entries({ 'Content-Type': 'application/json', ...refusal.headers, 'Content-Length': String(Buffer.byteLength(body)) }).map(([name, value]) => `${name}: ${value}\r\n`);
      return void socket.end(`HTTP/1.1 ${refusal.code} ${http.STATUS_CODES[refusal.code] ?? ''}\r\n${headers.join('')}\r\n${body}`);
    }
    if (scripts.raw) return scripts.raw(socket, request, head);
    if (request.headers.upgrade === 'SPDY/3.1' && scripts.spdy) {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v5.channel.k8s.io\r\n\r\n');
      return scripts.spdy(new SpdySession(socket, { role: 'server', head }), request, socket);
    }
    if (request.headers.upgrade?.toLowerCase() === 'websocket' && scripts.websocket) {
      return sockets.handleUpgrade(request, socket, head, (ws) => scripts.websocket!(ws, request));
    }
    socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    contexts: new KubeContexts(oneClusterConfig({ server: `http://127.0.0.1:${port}`, skipTLSVerify: true }, user)),
    /** connections the client has not closed yet */
    open: () => connections.size,
    close: () => {
      sockets.close();
      server.closeAllConnections();
      for (const socket of connections) socket.destroy();
      server.close();
    },
  };
}

/** Uncaught exceptions while a test runs: recorded instead of ending the run. */
export function catchUncaught(): { errors: Error[]; stop: () => void } {
  const errors: Error[] = [];
  const record = (error: Error) => void errors.push(error);
  process.on('uncaughtException', record);
  return { errors, stop: () => void process.off('uncaughtException', record) };
}

/** A SPDY exec's streams as the client opens them, each answered at once; `ready` once all `wanted` are open. */
export function execStreams(session: SpdySession, wanted: string[], ready: (streams: Record<string, SpdyStream>, session: SpdySession) => void): void {
  const streams: Record<string, SpdyStream> = {};
  session.on('stream', (stream) => {
    stream.on('error', () => {});
    stream.reply();
    stream.resume(); // what the client sends (stdin, resize) is not the point here
    streams[stream.headers.streamtype ?? ''] = stream;
    if (wanted.every((type) => streams[type])) ready(streams, session);
  });
}

/** An exec that prints "hi" and succeeds, over either transport: for tests about what comes before it. */
export const saysHi: Pick<Scripts, 'websocket' | 'spdy'> = {
  websocket: (socket) => {
    socket.send(Buffer.concat([Buffer.of(1), Buffer.from('hi')]));
    socket.send(Buffer.concat([Buffer.of(3), Buffer.from(JSON.stringify({ status: 'Success' }))]));
    socket.close(1000);
  },
  spdy: (session) =>
    execStreams(session, ['error', 'stdout', 'stderr'], (streams) => {
      streams.stdout!.end('hi');
      streams.stderr!.end();
      streams.error!.end();
    }),
};

/** Both exec transports, each made on a kubeconfig (`upgradeTimeoutMs`: its own, when given). */
export function bothTransports(upgradeTimeoutMs?: number): [string, (contexts: KubeContexts) => ExecAdapter][] {
  const options = upgradeTimeoutMs === undefined ? {} : { upgradeTimeoutMs };
  return [
    ['WebSocket', (contexts) => new WebSocketExecAdapter(contexts, options)],
    ['SPDY', (contexts) => new SpdyExecAdapter(contexts, options)],
  ];
}

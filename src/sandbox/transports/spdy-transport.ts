// The SPDY/3.1 exec transport (kubectl 1.29 and older, kubectl 1.30+ after a refused WebSocket,
// Go programs on remotecommand.NewSPDYExecutor): picks v5 or v4 from the offered
// X-Stream-Protocol-Version headers, answers 101, then waits until the client has opened every
// stream the query asked for before anything starts (see docs/spdy.md, "Exec over SPDY").
import type { IncomingMessage } from 'node:http';
import { socketReading } from '../../domain/socket-reading.ts';
import { SpdySession } from '../../spdy/session.ts';
import { RstStatus } from '../../spdy/frames.ts';
import type { SpdyStream } from '../../spdy/stream.ts';
import type { ExecTransport } from './exec-transport.ts';
import { parseExecQuery } from '../exec/exec-request.ts';
import { splitRequestUrl } from '../api/request-url.ts';
import { badRequest } from '../api/kube-status.ts';
import { refuseUpgradeWithStatus } from '../api/http-replies.ts';
import { SpdyChannels, type SpdyExecStreams } from './spdy-channels.ts';

/** In order of preference. v3 and older carry no exit code in their status: not served. */
export const SPDY_PROTOCOLS = { 'v5.channel.k8s.io': 5, 'v4.channel.k8s.io': 4 } as const;
type Protocol = keyof typeof SPDY_PROTOCOLS;

/** The kubelet's default: a client that has not opened all its streams by then is dropped. */
export const STREAM_CREATION_TIMEOUT_MS = 30_000;

type StreamType = keyof SpdyExecStreams;

/** Every X-Stream-Protocol-Version value, whether sent as one header each (kubectl) or comma-joined. */
export function offeredProtocols(request: IncomingMessage): string[] {
  const values: string[] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    if (request.rawHeaders[i]!.toLowerCase() === 'x-stream-protocol-version') values.push(...request.rawHeaders[i + 1]!.split(','));
  }
  return values.map((value) => value.trim()).filter(Boolean);
}

export function chooseSpdyProtocol(offered: string[]): Protocol | undefined {
  return (Object.keys(SPDY_PROTOCOLS) as Protocol[]).find((p) => offered.includes(p));
}

export function createSpdyTransport(options: { streamCreationTimeoutMs?: number; heartbeatMs?: number } = {}): ExecTransport {
  const sessions = new Set<SpdySession>();
  return {
    name: 'spdy',
    accepts: (request) => (request.headers.upgrade ?? '').toLowerCase().startsWith('spdy/'),
    upgrade(request, socket, head, start) {
      if ((request.headers.upgrade ?? '').toLowerCase() !== 'spdy/3.1') {
        return refuseUpgradeWithStatus(socket, badRequest(`unable to upgrade: unsupported protocol "${request.headers.upgrade}"; this server speaks SPDY/3.1`));
      }
      const offered = offeredProtocols(request);
      const protocol = chooseSpdyProtocol(offered);
      if (!protocol) {
        return refuseUpgradeWithStatus(
          socket,
          badRequest(`unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${Object.keys(SPDY_PROTOCOLS).join(' ')}]`),
        );
      }
      // The streams the kubelet expects for this query (stderr is dropped with a TTY); admission
      // has already checked the query itself.
      const exec = parseExecQuery('', '', splitRequestUrl(request.url).searchParams);
      const wanted = new Set<StreamType>(['error']);
      if (exec.stdin) wanted.add('stdin');
      if (exec.stdout) wanted.add('stdout');
      if (exec.stderr) wanted.add('stderr');
      if (exec.tty) wanted.add('resize');

      socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
      // The window announced: a client that does flow control (octant-exec's) keeps to it from the
      // first stdin byte, so a paused stdin (backpressure) never overruns the stream and stops the
      // socket, which would also stop the client's WINDOW_UPDATEs for the output: a deadlock.
      // A client that ignores the window (kubectl's stdin may) is held back by not reading it.
      const session = new SpdySession(socket, { role: 'server', head, announceWindow: true, reading: socketReading(socket) });
      sessions.add(session);
      const streams: Partial<SpdyExecStreams> = {};
      let started = false;
      const timeout = setTimeout(() => session.destroy(), options.streamCreationTimeoutMs ?? STREAM_CREATION_TIMEOUT_MS);
      timeout.unref?.();
      session.on('close', () => {
        clearTimeout(timeout);
        sessions.delete(session);
      });
      session.on('stream', (stream: SpdyStream) => {
        const type = stream.headers.streamtype as StreamType;
        // One of each wanted type, and nothing once the exec runs: anything else is refused alone.
        if (started || !wanted.has(type) || streams[type]) return stream.reset(RstStatus.RefusedStream);
        // kubectl waits for this reply before it opens its next stream.
        stream.reply();
        streams[type] = stream;
        if ([...wanted].every((t) => streams[t])) {
          started = true;
          clearTimeout(timeout);
          start(new SpdyChannels(session, socket, streams as SpdyExecStreams, SPDY_PROTOCOLS[protocol], options.heartbeatMs));
        }
      });
    },
    close() {
      for (const session of sessions) session.destroy();
    },
  };
}

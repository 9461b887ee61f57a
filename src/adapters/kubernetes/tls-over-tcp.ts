// A TLS connection dialed over a TCP socket of our own, for a runtime whose paused TLS socket
// reads on (Deno: src/domain/socket-reading.ts). Given its own TCP socket, the TLS socket has the
// handle underneath that stopReading can stop; dialed by host and port, it has none to reach.
// Through a kubeconfig's proxy nothing is needed here: the proxy's agent lays TLS over the
// tunnel's TCP socket (https-proxy-agent, socks-proxy-agent), which gives it that handle too.
import net from 'node:net';
import tls from 'node:tls';
import { tlsReadsOnWhilePaused } from '../../domain/socket-reading.ts';

/** What tls.connect(options) would make (ws's own dial: a name to verify unless the host is an address), over its own TCP socket. */
export function tlsOverTcp(options: tls.ConnectionOptions): tls.TLSSocket {
  const host = options.host ?? 'localhost';
  const tcp = net.connect({ host, port: Number(options.port) });
  tcp.setNoDelay(true); // a keystroke goes at once (ws sets it on the TLS socket, which has no TCP of its own here)
  const servername = options.servername ?? (net.isIP(host) ? undefined : host);
  // `path` is the HTTP request's, not a Unix socket to dial (ws's own dial drops it too)
  return tls.connect({ ...options, path: undefined, socket: tcp, ...(servername ? { servername } : {}) });
}

/**
 * Where a paused TLS socket reads on, have a request to an https cluster dial over a TCP socket of
 * its own (http.request's and ws's `createConnection`). Options without an agent only: with one (a
 * proxy's) the agent dials.
 */
export function dialStoppably(options: { agent?: unknown; createConnection?: unknown }, secure: boolean): void {
  if (tlsReadsOnWhilePaused && secure && !options.agent) options.createConnection = tlsOverTcp;
}

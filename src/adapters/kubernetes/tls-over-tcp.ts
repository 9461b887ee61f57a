// How an exec connection to a cluster is dialed when no proxy's agent dials it (direct-dial.ts):
// under a runtime whose paused TLS socket reads on (Deno: src/domain/socket-reading.ts), TLS over
// a TCP socket of our own. Given its own TCP socket, the TLS socket has the handle
// underneath that stopReading can stop; dialed by host and port, it has none to reach.
// Through a kubeconfig's proxy the proxy's agent dials. For an http:// (CONNECT) or socks proxy
// it lays TLS over the tunnel's TCP socket (hpagent, socks-proxy-agent), which gives it that
// handle too; for an https:// proxy the tunnel is itself TLS, and under Deno it reads on.
import net from 'node:net';
import tls from 'node:tls';
import { tlsReadsOnWhilePaused } from '../../domain/socket-reading.ts';

/** What tls.connect(options) would make (ws's own dial: a name to verify unless the host is an address), over its own TCP socket. */
export function tlsOverTcp(options: tls.ConnectionOptions): tls.TLSSocket {
  const host = options.host ?? 'localhost';
  const tcp = net.connect({ host, port: Number(options.port) });
  tcp.setNoDelay(true); // a keystroke goes at once (ws sets it on the TLS socket, which has no TCP of its own here)
  return tls.connect({ ...tlsOptions(options, host), socket: tcp });
}

/** tls.connect by host and port, as ws dials */
function tlsDirect(options: tls.ConnectionOptions): tls.TLSSocket {
  return tls.connect(tlsOptions(options, options.host ?? 'localhost'));
}

function tlsOptions(options: tls.ConnectionOptions, host: string): tls.ConnectionOptions {
  const servername = options.servername ?? (net.isIP(host) ? undefined : host);
  // `path` is the HTTP request's, not a Unix socket to dial (ws's own dial drops it too)
  return { ...options, path: undefined, ...(servername ? { servername } : {}) };
}

function tcpDirect(options: net.TcpNetConnectOpts): net.Socket {
  return net.connect({ host: options.host ?? 'localhost', port: Number(options.port) });
}

/** The dial of a connection of its own to a cluster: TLS over its own TCP socket where it must be. */
export function ownConnection(secure: boolean): (options: tls.ConnectionOptions & net.TcpNetConnectOpts) => net.Socket {
  return secure ? (tlsReadsOnWhilePaused ? tlsOverTcp : tlsDirect) : tcpDirect;
}

// Stopping and restarting the reading of a connection, so TCP backpressure reaches the peer: the
// sandbox's exec transports stop reading a client that sends more stdin than its process takes,
// and the exec adapter stops reading a cluster whose output the pages are behind on.
// Node's paused TLS socket stops reading its TCP connection. Deno's node:tls (2.x) does not: its
// TLS layer keeps reading into memory while the socket is paused, on either end (measured: a
// client writes all of 64 MiB to a TLS server paused after 1 MiB; a paused client took 164–199 MiB
// in 3 s from a server writing as fast as it could, where Node's holds that server at about 3 MiB,
// what the kernel's buffers take). There the TCP handle under the TLS socket is stopped too. A
// server's TLS socket has one (`_parent`); a client's has one only when it was dialed over a TCP
// socket of its own (tls.connect's `socket`: src/adapters/kubernetes/tls-over-tcp.ts).

/** whether this runtime's TLS sockets read on while paused (above) */
export const tlsReadsOnWhilePaused = 'Deno' in globalThis;

interface StreamHandle {
  readStop(): unknown;
  readStart(): unknown;
}

/** a socket, as much of it as this reads: a TLS socket's TCP one under it, where it has one */
type Connection = { _parent?: { _handle?: Partial<StreamHandle> } };

/** Pause what the application sees and, where pausing alone does not, the reading underneath. */
export function stopReading(socket: object | undefined, pause: () => void): void {
  pause();
  tcpUnderTls(socket)?.readStop();
}

export function startReading(socket: object | undefined, resume: () => void): void {
  tcpUnderTls(socket)?.readStart();
  resume();
}

function tcpUnderTls(socket: object | undefined): StreamHandle | undefined {
  if (!socket || !tlsReadsOnWhilePaused) return undefined;
  const handle = (socket as Connection)._parent?._handle;
  return typeof handle?.readStop === 'function' && typeof handle.readStart === 'function' ? (handle as StreamHandle) : undefined;
}

/** stop and start for a socket whose reading a SPDY session holds back (src/spdy/overrun-brake.ts) */
export function socketReading(socket: { pause(): unknown; resume(): unknown }): { stop(): void; start(): void } {
  return { stop: () => stopReading(socket, () => socket.pause()), start: () => startReading(socket, () => socket.resume()) };
}

// Stopping and restarting the reading of a connection, so TCP backpressure reaches the peer.
// Node's paused TLS socket stops reading its TCP connection. Deno's node:tls (2.x) does not: its
// TLS layer keeps reading into memory while the socket is paused (measured: a client writes all of
// 64 MiB to a TLS server paused after 1 MiB). There the TCP handle under the TLS socket is stopped too.
import type { Duplex } from 'node:stream';

interface StreamHandle {
  readStop(): unknown;
  readStart(): unknown;
}

/** Pause what the application sees and, where pausing alone does not, the reading underneath. */
export function stopReading(socket: Duplex | undefined, pause: () => void): void {
  pause();
  tcpUnderTls(socket)?.readStop();
}

export function startReading(socket: Duplex | undefined, resume: () => void): void {
  tcpUnderTls(socket)?.readStart();
  resume();
}

function tcpUnderTls(socket: Duplex | undefined): StreamHandle | undefined {
  if (!socket || !('Deno' in globalThis)) return undefined;
  const handle = (socket as Duplex & { _parent?: { _handle?: Partial<StreamHandle> } })._parent?._handle;
  return typeof handle?.readStop === 'function' && typeof handle.readStart === 'function' ? (handle as StreamHandle) : undefined;
}

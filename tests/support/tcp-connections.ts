// This machine's TCP connections to a port, read from /proc/net/tcp: whether a client let go of
// its connections, which no API of the client shows (ws holds a closed socket until the other
// side answers; an answer never read leaves the connection half-closed).
import { readFileSync } from 'node:fs';

/** the kernel's states that are gone or going for good on this side: TIME_WAIT, CLOSE */
const LET_GO = new Set(['06', '07']);

/**
 * The local ports of the connections from this machine to 127.0.0.1:`port` (their client ends)
 * not yet let go: ESTABLISHED, CLOSE_WAIT, FIN_WAIT and so on. A connection is told by its port,
 * so one closing meanwhile cannot stand in for another.
 */
export function clientPortsTo(port: number): Set<number> {
  const remote = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const ports = new Set<number>();
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const [, local, peer, state] = line.trim().split(/\s+/);
    if (peer === remote && !LET_GO.has(state)) ports.add(parseInt(local.split(':')[1], 16));
  }
  return ports;
}

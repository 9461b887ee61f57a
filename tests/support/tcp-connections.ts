// This machine's TCP connections to a port, read from /proc/net/tcp: whether a client let go of
// its connections, which no API of the client shows (ws holds a closed socket until the other
// side answers; an answer never read leaves the connection half-closed).
import { readFileSync } from 'node:fs';

/** the kernel's states that are gone or going for good on this side: TIME_WAIT, CLOSE */
const LET_GO = new Set(['06', '07']);

/** Connections from this machine to 127.0.0.1:`port` (the client's end) not yet let go: ESTABLISHED, CLOSE_WAIT, FIN_WAIT and so on. */
export function clientConnectionsTo(port: number): number {
  const remote = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[2] === remote && !LET_GO.has(fields[3])).length;
}

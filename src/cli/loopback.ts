// Whether an address is this machine's own: what reaches it never crosses a network.
const loopback = new Set(['127.0.0.1', 'localhost', '::1']);

/** A host as --host takes it (an IPv6 address without brackets). */
export function isLoopback(host: string): boolean {
  return loopback.has(host);
}

/** A URL's host (an IPv6 one comes in brackets). */
export function isLoopbackUrl(url: URL): boolean {
  return isLoopback(url.hostname.replace(/^\[(.*)\]$/, '$1'));
}

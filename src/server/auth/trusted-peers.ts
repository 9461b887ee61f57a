// Which TCP peers may speak for a person (--trusted-proxy CIDR): the authenticating proxy's
// addresses. Addresses are compared as numbers, IPv4 and IPv6 alike; an IPv4 peer seen through a
// dual-stack socket (::ffff:10.0.0.7) is the IPv4 address it carries, so `10.0.0.0/8` matches it.
import { isIPv4, isIPv6 } from 'node:net';

interface Range {
  v6: boolean;
  base: bigint;
  prefix: number;
}

export class TrustedPeers {
  readonly #ranges: Range[];

  /** Throws an Error naming the first entry that is not a CIDR (or a bare address, taken as /32 or /128). */
  constructor(cidrs: readonly string[]) {
    this.#ranges = cidrs.map(parseCidr);
  }

  get size(): number {
    return this.#ranges.length;
  }

  /** Whether `address` (as req.socket.remoteAddress gives it) is in one of the ranges. */
  has(address: string | undefined): boolean {
    const peer = address === undefined ? undefined : parseAddress(address);
    if (!peer) return false;
    return this.#ranges.some((range) => range.v6 === peer.v6 && masked(peer.value, range.prefix, peer.v6) === range.base);
  }
}

function parseCidr(text: string): Range {
  const [address, bits, extra] = text.trim().split('/');
  const parsed = extra === undefined ? parseAddress(address, false) : undefined;
  const width = parsed?.v6 ? 128 : 32;
  const prefix = bits === undefined ? width : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!parsed || !(prefix >= 0 && prefix <= width)) {
    throw new Error(`"${text.slice(0, 60)}" is not an address range: give one like 10.0.0.0/8, 192.168.1.5/32 or fd00::/8`);
  }
  return { v6: parsed.v6, base: masked(parsed.value, prefix, parsed.v6), prefix };
}

function masked(value: bigint, prefix: number, v6: boolean): bigint {
  const width = v6 ? 128n : 32n;
  const host = width - BigInt(prefix);
  return (value >> host) << host;
}

/** The address as a number; an IPv4-mapped IPv6 address as its IPv4 one unless `unmap` is false. */
export function parseAddress(text: string, unmap = true): { v6: boolean; value: bigint } | undefined {
  const address = text.replace(/%.*$/, ''); // a zone (fe80::1%eth0) says nothing about who it is
  if (isIPv4(address)) return { v6: false, value: address.split('.').reduce((sum, part) => (sum << 8n) | BigInt(part), 0n) };
  if (!isIPv6(address)) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped && unmap) return parseAddress(mapped[1]);
  return { v6: true, value: ipv6Value(address) };
}

function ipv6Value(address: string): bigint {
  let text = address;
  // a trailing dotted quad (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) is the last two groups
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number);
    text = text.slice(0, quad.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return all.reduce((sum, group) => (sum << 16n) | BigInt(parseInt(group, 16)), 0n);
}

// Rate limits for sign-in attempts, per peer address, under a ceiling for everyone. One bucket for
// everyone would let one client lock all others out by using it up; a bucket per address keeps a
// flood to its sender, and the ceiling still bounds what all of them together cost (a TokenReview
// per kube-token attempt, a flow kept per OIDC sign-in). The map of buckets is bounded: past
// MAX_PEERS the one used longest ago goes (a peer that waited that long has a full bucket anyway).
//
// The peer is the TCP peer. Behind an Ingress or a proxy that is the Ingress for everyone, and these
// limits act as one; per-person limits then belong to the Ingress (ingress-nginx: limit-rps).
import { TokenBucket } from '../../domain/token-bucket.ts';
import { parseAddress } from './trusted-peers.ts';

export const MAX_PEERS = 10_000;

export interface Rate {
  /** per second */
  rate: number;
  burst: number;
}

/** Why an attempt may not go on now: its own address used up its share, or everyone together did. */
export type Limited = 'peer' | 'everyone';

export class PeerLimits {
  readonly #peers = new Map<string, TokenBucket>();
  readonly #everyone: TokenBucket;

  constructor(
    private readonly perPeer: Rate,
    ceiling: Rate,
    private readonly now: () => number = Date.now,
    private readonly maxPeers = MAX_PEERS,
  ) {
    this.#everyone = new TokenBucket(ceiling.rate, ceiling.burst, now);
  }

  get peers(): number {
    return this.#peers.size;
  }

  /** Takes one attempt for `address`; undefined when it may go on, else who is over their limit. */
  take(address: string | undefined): Limited | undefined {
    const key = peerKey(address);
    let bucket = this.#peers.get(key);
    if (bucket) this.#peers.delete(key); // taken out and put back: the map's order is the order of use
    else bucket = new TokenBucket(this.perPeer.rate, this.perPeer.burst, this.now);
    this.#peers.set(key, bucket);
    while (this.#peers.size > this.maxPeers) this.#peers.delete(this.#peers.keys().next().value!);
    if (!bucket.take()) return 'peer';
    return this.#everyone.take() ? undefined : 'everyone';
  }
}

/**
 * Who a peer is, for the limits: its IPv4 address (one seen through a dual-stack socket too), or its
 * IPv6 /64, which one machine or household usually holds whole (else it could take a new bucket
 * for every one of its addresses).
 */
export function peerKey(address: string | undefined): string {
  const parsed = address === undefined ? undefined : parseAddress(address);
  if (!parsed) return 'unknown';
  return parsed.v6 ? `${(parsed.value >> 64n).toString(16)}::/64` : `${parsed.value}`;
}

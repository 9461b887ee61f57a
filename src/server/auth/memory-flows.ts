// OIDC flows (oidc-flows.ts) in this process's memory, for one server: the flow cookie holds a
// random id, and the flow waits here under its digest until the callback takes it.
//
// Anyone can start a flow, without any credential, so their number is bounded, each for 10
// minutes: at most MAX_FLOWS_PER_PEER from one address (a new one beyond that ends that address's
// oldest, never anyone else's), and MAX_FLOWS in all (past it the oldest goes, whoever started it).
// One client flooding sign-ins churns through its own flows; it takes very many addresses to
// push out the sign-ins of others. (The sign-in page is rate limited per address too: oidc-auth.ts.)
import { createHash } from 'node:crypto';
import { FLOW_MS, freshFlow, random, type Flow, type OidcFlows } from './oidc-flows.ts';
import { peerKey } from './peer-limits.ts';
import { sameSecret } from '../security.ts';

/** A team behind one NAT address signing in at nine: generous, as flows end as soon as people are back. */
export const MAX_FLOWS_PER_PEER = 50;
export const MAX_FLOWS = 10_000;

export class MemoryFlows implements OidcFlows {
  /** by the digest of the flow cookie, in the order begun (which is the order they expire: FLOW_MS is fixed) */
  readonly #flows = new Map<string, { flow: Flow; peer: string }>();
  /** each peer's flows, oldest first */
  readonly #byPeer = new Map<string, Set<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.#flows.size;
  }

  begin(then: string, address?: string): { cookie: string; flow: Flow; challenge: string } {
    const now = this.now();
    for (const [key, { flow }] of this.#flows) {
      if (flow.expiresAt > now) break;
      this.#delete(key);
    }
    const peer = peerKey(address);
    const mine = this.#byPeer.get(peer) ?? new Set<string>();
    while (mine.size >= MAX_FLOWS_PER_PEER) this.#delete(mine.values().next().value!);
    while (this.#flows.size >= MAX_FLOWS) this.#delete(this.#flows.keys().next().value!);
    this.#byPeer.set(peer, mine); // after the deletes, which drop a peer's set once it is empty
    const cookie = random();
    const { flow, challenge } = freshFlow(then, now + FLOW_MS);
    const key = digest(cookie);
    this.#flows.set(key, { flow, peer });
    mine.add(key);
    return { cookie, flow, challenge };
  }

  take(cookie: string | undefined, state: string): Flow | 'otherState' | undefined {
    if (!cookie) return undefined;
    const key = digest(cookie);
    const flow = this.#flows.get(key)?.flow;
    if (flow && flow.expiresAt > this.now() && !sameSecret(state, flow.state)) return 'otherState';
    this.#delete(key);
    return flow && flow.expiresAt > this.now() ? flow : undefined;
  }

  #delete(key: string): void {
    const entry = this.#flows.get(key);
    if (!entry) return;
    this.#flows.delete(key);
    const mine = this.#byPeer.get(entry.peer);
    mine?.delete(key);
    if (mine?.size === 0) this.#byPeer.delete(entry.peer);
  }
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

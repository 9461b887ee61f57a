// Sign-ins under way with the OpenID provider. Each gets, at its start, a state (ties the
// provider's answer to this sign-in), a nonce (ties the ID token to it) and a PKCE verifier (only
// this server can trade the code: RFC 7636, S256), and is bound to the browser that started it by
// a flow cookie holding a random id: an answer arriving in another browser, or a second time, finds
// no flow. A flow is taken whole at the callback, whatever comes of it: one use only.
//
// Anyone can start a flow, without any credential, so their number is bounded, each for 10
// minutes: at most MAX_FLOWS_PER_PEER from one address (a new one beyond that ends that address's
// oldest, never anyone else's), and MAX_FLOWS in all (past it the oldest goes, whoever started it).
// One client flooding sign-ins churns through its own flows; it takes very many addresses to
// push out the sign-ins of others. (The sign-in page is rate limited per address too: oidc-auth.ts.)
import { createHash, randomBytes } from 'node:crypto';
import { peerKey } from './peer-limits.ts';

export const FLOW_MS = 10 * 60_000;
/** A team behind one NAT address signing in at nine: generous, as flows end as soon as people are back. */
export const MAX_FLOWS_PER_PEER = 50;
export const MAX_FLOWS = 10_000;

export interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  /** where to go once signed in */
  then: string;
  expiresAt: number;
}

export class OidcFlows {
  /** by the digest of the flow cookie, in the order begun (which is the order they expire: FLOW_MS is fixed) */
  readonly #flows = new Map<string, { flow: Flow; peer: string }>();
  /** each peer's flows, oldest first */
  readonly #byPeer = new Map<string, Set<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.#flows.size;
  }

  /** A new flow; `cookie` is for the flow cookie, `challenge` for the authorization request. */
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
    const flow: Flow = { state: random(), nonce: random(), verifier: random(), then, expiresAt: now + FLOW_MS };
    const key = digest(cookie);
    this.#flows.set(key, { flow, peer });
    mine.add(key);
    return { cookie, flow, challenge: createHash('sha256').update(flow.verifier).digest('base64url') };
  }

  /** The browser's flow, removed (one use); undefined when there is none or it expired. */
  take(cookie: string | undefined): Flow | undefined {
    if (!cookie) return undefined;
    const key = digest(cookie);
    const flow = this.#flows.get(key)?.flow;
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

/** 256 bits, base64url: 43 characters, what PKCE asks of a verifier (43–128). */
function random(): string {
  return randomBytes(32).toString('base64url');
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

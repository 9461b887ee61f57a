// Sign-ins under way with the OpenID provider. Each gets, at its start, a state (ties the
// provider's answer to this sign-in), a nonce (ties the ID token to it) and a PKCE verifier (only
// this server can trade the code: RFC 7636, S256), and is bound to the browser that started it by
// a flow cookie holding a random id: an answer arriving in another browser, or a second time, finds
// no flow. A flow is taken whole at the callback, whatever comes of it: one use only. At most
// MAX_FLOWS wait (anyone can start one), each for 10 minutes.
import { createHash, randomBytes } from 'node:crypto';

export const FLOW_MS = 10 * 60_000;
const MAX_FLOWS = 1000;

export interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  /** where to go once signed in */
  then: string;
  expiresAt: number;
}

export class OidcFlows {
  readonly #flows = new Map<string, Flow>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new flow; `cookie` is for the flow cookie, `challenge` for the authorization request. */
  begin(then: string): { cookie: string; flow: Flow; challenge: string } {
    const now = this.now();
    for (const [key, flow] of this.#flows) if (flow.expiresAt <= now) this.#flows.delete(key);
    while (this.#flows.size >= MAX_FLOWS) this.#flows.delete(this.#flows.keys().next().value!);
    const cookie = random();
    const flow: Flow = { state: random(), nonce: random(), verifier: random(), then, expiresAt: now + FLOW_MS };
    this.#flows.set(digest(cookie), flow);
    return { cookie, flow, challenge: createHash('sha256').update(flow.verifier).digest('base64url') };
  }

  /** The browser's flow, removed (one use); undefined when there is none or it expired. */
  take(cookie: string | undefined): Flow | undefined {
    if (!cookie) return undefined;
    const key = digest(cookie);
    const flow = this.#flows.get(key);
    this.#flows.delete(key);
    return flow && flow.expiresAt > this.now() ? flow : undefined;
  }
}

/** 256 bits, base64url: 43 characters, what PKCE asks of a verifier (43–128). */
function random(): string {
  return randomBytes(32).toString('base64url');
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

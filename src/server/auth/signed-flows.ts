// OIDC flows (oidc-flows.ts) carried by the flow cookie itself. For replicas behind one address,
// signed with the session key: the provider's answer may come back to another replica than the
// one that sent the browser there, and every replica given the key takes the cookie. Without a
// session key, with a key of the process's own: nothing is kept per flow, so no number of
// sign-ins begun can push out one under way. `f1.PAYLOAD.MAC`: PAYLOAD
// is the JSON {state, nonce, verifier, then, exp} in base64url, MAC its HMAC-SHA256 under a key
// derived from the session key for this use only (a session cookie, a form token or a flow cookie
// is never taken for another). The expiry is inside what is signed, 10 minutes from the start.
//
// The cookie is bound to its state: the callback must bring the same `state` (oidc-auth.ts), and
// a state is taken once on each replica (used-states.ts). A copy brought to another replica within
// its 10 minutes would find its state unused there; what stops that replay is the provider, which
// trades a code once only. Nothing in the cookie opens anything by itself: the PKCE verifier is
// not kept secret from the browser that started the sign-in, and trading a code needs the client
// secret too, which never leaves the server.
//
// Nothing is kept per flow, so there is nothing to bound but the used states: the sign-in page's
// own rate limits (oidc-auth.ts) bound how many flows can begin.
import type { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import { FLOW_MS, freshFlow, type Flow, type OidcFlows } from './oidc-flows.ts';
import { UsedStates } from './used-states.ts';
import { openValue, signValue } from './signed-value.ts';
import { sameSecret } from '../security.ts';

const VERSION = 'f1';
/** `then` is at most 1000 characters (local-path.ts): a real flow cookie is well under this. */
const MAX_VALUE_LENGTH = 3000;

interface Payload {
  state: string;
  nonce: string;
  verifier: string;
  then: string;
  exp: number;
}

export class SignedFlows implements OidcFlows {
  readonly #key: Buffer;
  readonly #used: UsedStates;

  constructor(
    sessionKey: Uint8Array,
    private readonly now: () => number = Date.now,
  ) {
    this.#key = createHmac('sha256', sessionKey).update('octant-exec oidc flow cookie').digest();
    this.#used = new UsedStates(now);
  }

  begin(then: string): { cookie: string; flow: Flow; challenge: string } {
    const { flow, challenge } = freshFlow(then, this.now() + FLOW_MS);
    const payload: Payload = { state: flow.state, nonce: flow.nonce, verifier: flow.verifier, then: flow.then, exp: flow.expiresAt };
    return { cookie: signValue(this.#key, VERSION, payload), flow, challenge };
  }

  take(cookie: string | undefined, state: string): Flow | 'otherState' | undefined {
    const flow = cookie ? this.#open(cookie) : undefined;
    if (!flow || !(this.now() < flow.expiresAt)) return undefined;
    if (!sameSecret(state, flow.state)) return 'otherState';
    return this.#used.use(flow.state, flow.expiresAt) ? flow : undefined;
  }

  /** The flow in a cookie this key signed; anything else (changed, cut, another key or version) is none. */
  #open(value: string): Flow | undefined {
    const p = parsed(openValue(this.#key, VERSION, value, MAX_VALUE_LENGTH));
    return p && { state: p.state, nonce: p.nonce, verifier: p.verifier, then: p.then, expiresAt: p.exp };
  }
}

/** Signed by us, so well-formed; checked anyway, as a value from outside. */
function parsed(opened: unknown): Payload | undefined {
  const p = opened as Partial<Payload> | undefined;
  const ok = typeof p === 'object' && p !== null && [p.state, p.nonce, p.verifier, p.then].every((field) => typeof field === 'string') && Number.isFinite(p.exp);
  return ok ? (p as Payload) : undefined;
}

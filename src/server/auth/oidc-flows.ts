// Sign-ins under way with the OpenID provider, and the one seam both ways of keeping them share.
// Each gets, at its start, a state (ties the provider's answer to this sign-in), a nonce (ties the
// ID token to it) and a PKCE verifier (only this server can trade the code: RFC 7636, S256), and
// is bound to the browser that started it by a flow cookie: an answer arriving in another browser,
// or a second time, finds no flow. A flow is taken whole at the callback that brings its state,
// whatever comes of it: one use only. An answer with another state (another tab's sign-in, whose
// flow cookie this one replaced; a forged link to the callback) leaves it as it was: anyone could
// send a browser there, and must not thereby end the sign-in it has under way.
//
// A flow waits in its cookie, signed (signed-flows.ts): with the session key, so that the
// provider's answer may reach any replica, or else with a key of this process's own. Nothing is
// kept per flow, so nobody's sign-in under way can be pushed out by others begun: behind an
// Ingress every browser comes from one address, and a limit per address would be everyone's.
import { createHash, randomBytes } from 'node:crypto';

export const FLOW_MS = 10 * 60_000;

export interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  /** where to go once signed in */
  then: string;
  expiresAt: number;
}

export interface OidcFlows {
  /** A new flow; `cookie` is for the flow cookie, `challenge` for the authorization request. */
  begin(then: string): { cookie: string; flow: Flow; challenge: string };
  /**
   * The flow behind the browser's flow cookie, used up (one use), when `state` is its state;
   * 'otherState', and left as it was, when it is not; undefined when there is none, it was used or it expired.
   */
  take(cookie: string | undefined, state: string): Flow | 'otherState' | undefined;
}

/** A flow's secrets, fresh: 256 bits each, base64url (43 characters, what PKCE asks of a verifier: 43–128). */
export function freshFlow(then: string, expiresAt: number): { flow: Flow; challenge: string } {
  const flow: Flow = { state: random(), nonce: random(), verifier: random(), then, expiresAt };
  return { flow, challenge: createHash('sha256').update(flow.verifier).digest('base64url') };
}

function random(): string {
  return randomBytes(32).toString('base64url');
}

// The one step both kube-token sign-ins take: the page's form (kube-token-auth.ts) and the command
// line's token exchange (token-exchange.ts). An attempt counted against its address (one budget for
// both ways in: a flood through either limits the other), the token's shape, the cluster's
// TokenReview, the person it names, and a session. Only how each answers differs: a page or JSON,
// each with the sentences in its own words (Wording). The token is never logged or echoed.
import type { TokenReviewResult } from '../../adapters/kubernetes/token-review.ts';
import { TokenReviewFailed } from '../../adapters/kubernetes/token-review.ts';
import type { Person } from '../../domain/person.ts';
import { BEARER_TOKEN_SHAPE } from '../../protocol/http.ts';
import type { Caller } from '../caller.ts';
import { refused, type Refusal } from './authenticator.ts';
import { RESERVED_PREFIX } from './asserted-person.ts';
import { SIGN_OUT_PATH } from './auth-paths.ts';
import { fromBase64urlJson } from './base64url-json.ts';
import { PeerLimits, type Rate } from './peer-limits.ts';
import { endsInSpace, personFrom, SPACED_GROUP_WHY } from './person-names.ts';
import type { CookieSessions } from './session-cookies.ts';
import type { SessionClock } from './sessions.ts';
import { signedInLine, teamCaller } from './team-caller.ts';

// Every attempt costs the cluster a TokenReview: a burst of typos is fine, a flood is not, and one
// address flooding must not lock the others out (peer-limits.ts).
export const ATTEMPTS_PER_PEER: Rate = { rate: 5, burst: 20 };
export const ATTEMPTS_IN_ALL: Rate = { rate: 50, burst: 200 };
/** seconds after a 429: one more attempt is allowed within a second at either rate */
const LIMITED_RETRY_AFTER = '1';

/** How one way in speaks of the token, in the sentences of its refusals and its log lines. */
export interface Wording {
  /** how to give the token, as in "… alone, on one line, without spaces" */
  give: string;
  /** how to try again, as in "get a fresh one and …" */
  again: string;
  /** what to do with a token that is not a person's */
  ownToken: string;
  /** after each of its log lines (the form's: nothing) */
  logged: string;
}

export interface KubeTokenSignInOptions {
  adminGroups: ReadonlySet<string>;
  /** the TokenReview, as the server's own identity */
  review(token: string): Promise<TokenReviewResult>;
  warn(message: string): void;
  sessions: CookieSessions;
  sessionMs: number;
  clock: SessionClock;
}

/** A session made: who, until when, its Set-Cookie header, and the cookie's NAME=VALUE. */
export interface SignedIn {
  caller: Caller;
  person: Person;
  expiresAt: number;
  setCookie: string;
  cookie: string;
}

export class KubeTokenSignIn {
  readonly #attempts: PeerLimits;

  constructor(private readonly options: KubeTokenSignInOptions) {
    this.#attempts = new PeerLimits(ATTEMPTS_PER_PEER, ATTEMPTS_IN_ALL, () => options.clock.now());
  }

  /** The token `sent` (a "Bearer " before it dropped) from `peer`, checked: a session, or why none. */
  async signIn(sent: string, peer: string | undefined, words: Wording): Promise<{ signedIn: SignedIn } | { refused: Refusal }> {
    const { warn } = this.options;
    const from = `from ${peer ?? 'an unknown peer'}${words.logged}`;
    const limited = this.#attempts.take(peer);
    if (limited) return refused(429, limited === 'peer' ? 'Too many sign-in attempts from your address: wait a few seconds and try again.' : 'Too many sign-in attempts right now: wait a few seconds and try again.', { 'Retry-After': LIMITED_RETRY_AFTER });
    const token = sent.trim().replace(/^Bearer\s+/i, '');
    if (!BEARER_TOKEN_SHAPE.test(token)) return refused(400, `That is not a bearer token: ${words.give} alone, on one line, without spaces.`);
    let review: TokenReviewResult;
    try {
      review = await this.options.review(token);
    } catch (error) {
      const why = error instanceof TokenReviewFailed ? error.message : String((error as Error)?.message ?? error);
      warn(`kube-token sign-in: the cluster could not check a token: ${why}${words.logged}`);
      const forbidden = error instanceof TokenReviewFailed && error.httpCode === 403;
      const advice = forbidden ? "this server's own identity may not create tokenreviews (deploy/ grants it)" : 'the server log says why';
      return refused(502, `The cluster could not check the token: ${advice}. Try again later, or tell your admin.`);
    }
    if (!review.authenticated) {
      warn(`kube-token sign-in refused: the cluster did not authenticate the token (TokenReview) ${from}`);
      return refused(401, `The cluster did not accept this token (it is wrong, expired or revoked): get a fresh one and ${words.again}.`);
    }
    // the cluster's own names, taken as they are but for a group a header would change (asserted-person.ts drops it the same way)
    const spaced = review.groups.filter(endsInSpace);
    if (spaced.length) warn(`kube-token sign-in: dropped the groups ${spaced.slice(0, 5).map((group) => JSON.stringify(group)).join(', ')} from the TokenReview's groups: ${SPACED_GROUP_WHY}`);
    const person = personFrom(review.username, review.groups.filter((group) => !endsInSpace(group)), { user: "the TokenReview's user", groups: "the TokenReview's groups" });
    if ('problem' in person) return refused(400, `${person.problem} octant-exec cannot act as this user.`);
    if (person.user.startsWith(RESERVED_PREFIX)) {
      const whose = person.user.startsWith(`${RESERVED_PREFIX}serviceaccount:`) ? "a service account's" : "a Kubernetes component's";
      warn(`kube-token sign-in refused: the token is ${whose} (user ${JSON.stringify(person.user)}), ${from}`);
      return refused(403, `This token is ${whose}, not a person's: octant-exec acts only for people. ${words.ownToken}`);
    }
    const now = this.options.clock.now();
    // the token's own end, when it says one, caps the session: the TokenReview vouched for the token, so its payload is only read
    const expiresAt = Math.min(now + this.options.sessionMs, jwtExpiry(token) ?? Infinity);
    if (expiresAt <= now) return refused(401, `This token expires now: get a fresh one and ${words.again}.`);
    const caller = teamCaller('kube-token', person, this.options.adminGroups, SIGN_OUT_PATH);
    const session = this.options.sessions.start(caller, expiresAt, now);
    if ('problem' in session) {
      const full = session.retryAfterSeconds !== undefined;
      return refused(full ? 503 : 400, session.problem, full ? { 'Retry-After': String(session.retryAfterSeconds) } : undefined);
    }
    warn(`${signedInLine(caller, peer)}${words.logged}`);
    return { signedIn: { caller, person, expiresAt, ...session } };
  }
}

/** When a JWT says it expires (its `exp`, in ms), or undefined: another kind of token, or a JWT without one. */
function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const exp = (fromBase64urlJson(parts[1]) as { exp?: unknown } | undefined)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
}

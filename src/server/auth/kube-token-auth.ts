// --auth kube-token: a person pastes a Kubernetes bearer token on the sign-in page; the server asks
// the cluster whose it is (TokenReview, as the server itself) and from then on acts as that user
// and their groups, through a session (sessions.ts: in memory, or a signed cookie replicas share).
// The token is used for that one review and then dropped: it is never stored, logged, echoed in a
// page or a message.
//
// A session lasts a fixed 8 hours from sign-in (a working day), or until the token's own expiry when
// it is a JWT that has one (a token made for ten minutes does not open eight hours), and ends then
// by itself, closing its sockets. The cluster is not asked again: revoking the token does not end a
// session (sign-out does, and a restart when sessions are in memory), but every exec runs as the
// person, so taking away their RBAC takes effect at once.
//
// The groups are taken as the TokenReview gives them, `system:` ones included (unlike proxy and
// oidc, asserted-person.ts): the answer is the cluster's own authentication of the token, so the
// group system:masters is what the token already is. A `system:` user is refused all the same:
// octant-exec acts for people, and a service account's token (which anyone allowed to create
// serviceaccounts/token can make, as many as they like) is a workload's identity. deploy/rbac.yaml
// does not let the server impersonate service accounts either, so such a session would fail at
// its first cluster call rather than here, with a sentence.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenReviewResult } from '../../adapters/kubernetes/token-review.ts';
import { TokenReviewFailed } from '../../adapters/kubernetes/token-review.ts';
import type { EndedListener } from './live-sessions.ts';
import { cookieValue, type FrontDoor } from '../security.ts';
import type { Authenticator, Verdict } from './authenticator.ts';
import { sendMessage, sendPage } from './auth-pages.ts';
import { localPath } from './local-path.ts';
import { SIGN_IN_PATH, SIGN_OUT_PATH } from './auth-paths.ts';
import { clearCookie, setCookie } from './cookies.ts';
import { readForm } from './form-body.ts';
import { FormTokens } from './form-tokens.ts';
import { kubeTokenForm } from './kube-token-page.ts';
import { PeerLimits, type Rate } from './peer-limits.ts';
import { endsInSpace, personFrom, SPACED_GROUP_WHY } from './person-names.ts';
import { RESERVED_PREFIX } from './asserted-person.ts';
import { fromBase64urlJson } from './base64url-json.ts';
import { crossSiteProblem } from './same-origin.ts';
import { CookieSessions } from './session-cookies.ts';
import { SESSION_MS, SYSTEM_CLOCK, SessionStore, type SessionClock, type Sessions } from './sessions.ts';
import { signOut } from './sign-out.ts';
import { signedInLine, teamCaller } from './team-caller.ts';

// Every attempt costs the cluster a TokenReview: a burst of typos is fine, a flood is not, and one
// address flooding must not lock the others out (peer-limits.ts).
export const ATTEMPTS_PER_PEER: Rate = { rate: 5, burst: 20 };
export const ATTEMPTS_IN_ALL: Rate = { rate: 50, burst: 200 };
/**
 * The form's cookie. Over https a __Host- cookie at Path=/ (what the prefix demands), like the
 * session's: a page on a sibling subdomain cannot plant one (nor clear ours by shadowing it).
 */
function formCookie(secure: boolean): { name: string; path: string } {
  return secure ? { name: '__Host-octant_exec_form', path: '/' } : { name: 'octant_exec_form', path: SIGN_IN_PATH };
}
/** The form's cookie outlives a long pause on the page, not a day. */
const FORM_SECONDS = 3600;
/** Bearer tokens are base64url and dots (JWTs) or similar; a bound and no blanks or controls. */
const TOKEN_SHAPE = /^[\x21-\x7e]{1,16384}$/;

export interface KubeTokenOptions {
  door: FrontDoor;
  adminGroups: ReadonlySet<string>;
  /** cookies with Secure (people reach the server over https) */
  secure: boolean;
  /** the TokenReview, as the server's own identity */
  review(token: string): Promise<TokenReviewResult>;
  warn(message: string): void;
  /** default SESSION_MS (8 hours); shorter in tests */
  sessionMs?: number;
  clock?: SessionClock;
  /** how sessions are kept (choose-authenticator.ts); default in this process's memory */
  sessions?: Sessions;
  /** the sign-in form's CSRF tokens; default this launch's own (replicas share theirs: choose-authenticator.ts) */
  forms?: FormTokens;
}

export class KubeTokenAuthenticator implements Authenticator {
  readonly mode = 'kube-token' as const;
  readonly signInPage = SIGN_IN_PATH;
  readonly #sessions: CookieSessions;
  readonly #forms: FormTokens;
  readonly #attempts: PeerLimits;
  readonly #clock: SessionClock;

  constructor(private readonly options: KubeTokenOptions) {
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#forms = options.forms ?? new FormTokens();
    this.#sessions = new CookieSessions(options.sessions ?? new SessionStore(this.#clock), options.secure, SIGN_IN_PATH);
    this.#attempts = new PeerLimits(ATTEMPTS_PER_PEER, ATTEMPTS_IN_ALL, () => this.#clock.now());
  }

  identify(req: IncomingMessage): Verdict {
    return this.#sessions.identify(req);
  }

  onEnded(listener: EndedListener): void {
    this.#sessions.store.onEnded(listener);
  }

  signOutPerson(user: string): number {
    return this.#sessions.store.endPerson(user);
  }

  onPersonSignedOut(): void {} // its sessions' ends say it (onEnded)

  close(): void {
    this.#sessions.store.close();
  }

  async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname === SIGN_OUT_PATH) {
      signOut(req, res, this.options.door, this.#sessions, () => null);
      return true;
    }
    if (url.pathname !== SIGN_IN_PATH) return false;
    if (req.method === 'GET' || req.method === 'HEAD') this.#form(res, localPath(url.searchParams.get('then')));
    else if (req.method === 'POST') await this.#signIn(req, res);
    else sendMessage(res, 405, 'Sign in', 'Open this page with GET, and send the form with POST.');
    return true;
  }

  #form(res: ServerResponse, then: string, status = 200, problem?: string, headers: Record<string, string> = {}): void {
    const { cookie, field } = this.#forms.issue();
    const named = formCookie(this.options.secure);
    const setForm = setCookie(named.name, cookie, { path: named.path, sameSite: 'Strict', secure: this.options.secure, maxAge: FORM_SECONDS });
    sendPage(res, status, 'Sign in to octant-exec', kubeTokenForm(field, then, problem), { ...headers, 'Set-Cookie': setForm });
  }

  async #signIn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const crossSite = crossSiteProblem(req, this.options.door);
    if (crossSite) return sendMessage(res, 403, 'Sign in', crossSite);
    const form = await readForm(req);
    const then = localPath(form.get('then'));
    const named = formCookie(this.options.secure);
    if (!this.#forms.valid(cookieValue(req.headers.cookie, named.name), form.get('csrf') ?? undefined)) {
      return this.#form(res, then, 403, 'This form was not the one this server gave you (it expired, or the server restarted): paste the token again here.');
    }
    const limited = this.#attempts.take(req.socket.remoteAddress);
    if (limited) return this.#form(res, then, 429, limited === 'peer' ? 'Too many sign-in attempts from your address: wait a few seconds and try again.' : 'Too many sign-in attempts right now: wait a few seconds and try again.');
    const token = (form.get('token') ?? '').trim().replace(/^Bearer\s+/i, '');
    if (!TOKEN_SHAPE.test(token)) return this.#form(res, then, 400, 'That is not a bearer token: paste the token alone, on one line, without spaces.');
    let review: TokenReviewResult;
    try {
      review = await this.options.review(token);
    } catch (error) {
      const why = error instanceof TokenReviewFailed ? error.message : String((error as Error)?.message ?? error);
      this.options.warn(`kube-token sign-in: the cluster could not check a token: ${why}`);
      const forbidden = error instanceof TokenReviewFailed && error.httpCode === 403;
      const advice = forbidden ? "this server's own identity may not create tokenreviews (deploy/ grants it)" : 'the server log says why';
      return this.#form(res, then, 502, `The cluster could not check the token: ${advice}. Try again later, or tell your admin.`);
    }
    if (!review.authenticated) {
      this.options.warn(`kube-token sign-in refused: the cluster did not authenticate the token (TokenReview) from ${req.socket.remoteAddress ?? 'an unknown peer'}`);
      return this.#form(res, then, 401, 'The cluster did not accept this token (it is wrong, expired or revoked): get a fresh one and paste it again.');
    }
    // the cluster's own names, taken as they are but for a group a header would change (asserted-person.ts drops it the same way)
    const spaced = review.groups.filter(endsInSpace);
    if (spaced.length) this.options.warn(`kube-token sign-in: dropped the groups ${spaced.slice(0, 5).map((group) => JSON.stringify(group)).join(', ')} from the TokenReview's groups: ${SPACED_GROUP_WHY}`);
    const person = personFrom(review.username, review.groups.filter((group) => !endsInSpace(group)), { user: "the TokenReview's user", groups: "the TokenReview's groups" });
    if ('problem' in person) return this.#form(res, then, 400, `${person.problem} octant-exec cannot act as this user.`);
    if (person.user.startsWith(RESERVED_PREFIX)) {
      const whose = person.user.startsWith(`${RESERVED_PREFIX}serviceaccount:`) ? "a service account's" : "a Kubernetes component's";
      this.options.warn(`kube-token sign-in refused: the token is ${whose} (user ${JSON.stringify(person.user)}), from ${req.socket.remoteAddress ?? 'an unknown peer'}`);
      return this.#form(res, then, 403, `This token is ${whose}, not a person's: octant-exec acts only for people. Paste a token of your own user.`);
    }
    const now = this.#clock.now();
    // the token's own end, when it says one, caps the session: the TokenReview vouched for the token, so its payload is only read
    const expiresAt = Math.min(now + (this.options.sessionMs ?? SESSION_MS), jwtExpiry(token) ?? Infinity);
    if (expiresAt <= now) return this.#form(res, then, 401, 'This token expires now: get a fresh one and paste it again.');
    const caller = teamCaller('kube-token', person, this.options.adminGroups, SIGN_OUT_PATH);
    const session = this.#sessions.start(caller, expiresAt, now);
    if ('problem' in session) {
      const full = session.retryAfterSeconds !== undefined;
      return this.#form(res, then, full ? 503 : 400, session.problem, full ? { 'Retry-After': String(session.retryAfterSeconds) } : {});
    }
    this.options.warn(signedInLine(caller, req.socket.remoteAddress));
    const dropForm = clearCookie(named.name, { path: named.path, sameSite: 'Strict', secure: this.options.secure });
    // The post came from our own page, so this redirect is same-site and the Strict cookie goes with it.
    res.writeHead(303, { Location: then, 'Set-Cookie': [session.setCookie, dropForm], 'Cache-Control': 'no-store', 'Content-Length': 0 });
    res.end();
  }
}

/** When a JWT says it expires (its `exp`, in ms), or undefined: another kind of token, or a JWT without one. */
function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const exp = (fromBase64urlJson(parts[1]) as { exp?: unknown } | undefined)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
}

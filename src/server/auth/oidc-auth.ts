// --auth oidc: OpenID Connect, authorization code flow with PKCE, against the team's issuer.
// GET /auth/sign-in sends the browser to the provider; the provider sends it back to
// /auth/callback with a code, which the server trades (with its client secret and the PKCE
// verifier) for an ID token, checks (id-token.ts), and turns into a session (in memory, or a signed
// cookie replicas share). The sign-in under way waits in a signed flow cookie, never in memory:
// with a session key the callback may reach another replica; without one, nothing a stranger
// begins can push out anyone's sign-in (oidc-flows.ts). The person is the ID token's
// --oidc-username-claim and --oidc-groups-claim, as the Kubernetes API server's own OIDC flags read them, with
// --oidc-username-prefix and --oidc-groups-prefix prepended as kube-apiserver does (none by
// default), and never a `system:` name (asserted-person.ts).
//
// The ID token's exp only gates the sign-in: the token must be valid when it arrives. The session
// then lasts a fixed 8 hours (as kube-token's), never extended, and ends by itself then, closing
// its sockets; sign-out (or a restart, when sessions are in memory) ends it early. (Providers issue
// short ID tokens, Keycloak's last 5 minutes, meant to be checked once, not to time a session:
// octant-exec keeps no refresh token to renew them with.)
//
// The command line signs in by having a person signed in here allow it (command-line-handoff.ts).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Person } from '../../domain/person.ts';
import type { EndedListener } from './live-sessions.ts';
import { cookieValue, type FrontDoor } from '../security.ts';
import type { Authenticator, Verdict } from './authenticator.ts';
import { sendContinue, sendMessage } from './auth-pages.ts';
import { localPath } from './local-path.ts';
import { CALLBACK_PATH, SIGN_IN_PATH, SIGN_OUT_PATH } from './auth-paths.ts';
import { refuseTokenExchange } from './command-sign-in.ts';
import { CommandLineHandoff } from './command-line-handoff.ts';
import { clearCookie, setCookie } from './cookies.ts';
import { IdTokenRejected, verifyIdToken, type IdTokenClaims } from './id-token.ts';
import { IssuerUnreachable } from './issuer-fetch.ts';
import { JwksCache } from './jwks.ts';
import { CodeRefused, exchangeCode } from './oidc-code-exchange.ts';
import { DiscoveryCache } from './oidc-discovery.ts';
import { FLOW_MS, type OidcFlows } from './oidc-flows.ts';
import { SignedFlows } from './signed-flows.ts';
import { AssertedNames, type NamePrefixes } from './asserted-person.ts';
import { PeerLimits, type Rate } from './peer-limits.ts';
import { CookieSessions } from './session-cookies.ts';
import { SESSION_MS, SYSTEM_CLOCK, SessionStore, type SessionClock, type Sessions } from './sessions.ts';
import { signOut } from './sign-out.ts';
import { signedInLine, teamCaller } from './team-caller.ts';

/**
 * The cookie that binds a sign-in under way to its browser. Over https it is a __Host- cookie at
 * Path=/ (what the prefix demands), like the session's: a page on a sibling subdomain could plant
 * a plain one, the attacker's own flow, and a victim sent to the attacker's callback URL would be
 * signed in as the attacker (login CSRF). Over plain http the prefix is refused by browsers.
 */
function flowCookie(secure: boolean): { name: string; path: string } {
  return secure ? { name: '__Host-octant_exec_oidc', path: '/' } : { name: 'octant_exec_oidc', path: CALLBACK_PATH };
}
// A sign-in is a click; an office behind one address signing in at nine is well within these.
export const SIGN_INS_PER_PEER: Rate = { rate: 5, burst: 30 };
export const SIGN_INS_IN_ALL: Rate = { rate: 100, burst: 1000 };

export interface OidcOptions {
  door: FrontDoor;
  adminGroups: ReadonlySet<string>;
  secure: boolean;
  warn(message: string): void;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** this server's CALLBACK_PATH as the browser reaches it, registered with the provider */
  redirectUri: string;
  usernameClaim: string;
  groupsClaim: string;
  prefixes: NamePrefixes;
  /** default SESSION_MS (8 hours); shorter in tests */
  sessionMs?: number;
  clock?: SessionClock;
  /** how sessions are kept (choose-authenticator.ts); default in this process's memory */
  sessions?: Sessions;
  /** how sign-ins under way are kept (choose-authenticator.ts); default signed flow cookies under a key of this process's own */
  flows?: OidcFlows;
  /** the key replicas share (choose-authenticator.ts): the command line's sign-in through the browser (its codes, its form) is taken by all */
  sessionKey?: Uint8Array;
}

export class OidcAuthenticator implements Authenticator {
  readonly mode = 'oidc' as const;
  readonly signInPage = SIGN_IN_PATH;
  readonly #sessions: CookieSessions;
  readonly #flows: OidcFlows;
  readonly #discovery: DiscoveryCache;
  readonly #keys: JwksCache;
  readonly #names: AssertedNames;
  readonly #signIns: PeerLimits;
  readonly #handoff: CommandLineHandoff;
  readonly #now: () => number;

  constructor(private readonly options: OidcOptions) {
    const clock = options.clock ?? SYSTEM_CLOCK;
    this.#now = () => clock.now();
    this.#sessions = new CookieSessions(options.sessions ?? new SessionStore(clock), options.secure, SIGN_IN_PATH);
    // a key of this process's own: its flows end with it, as sessions kept in memory do
    this.#flows = options.flows ?? new SignedFlows(randomBytes(32), this.#now);
    this.#discovery = new DiscoveryCache(options.issuer, this.#now);
    this.#keys = new JwksCache(async () => (await this.#discovery.get()).jwksUri, this.#now);
    this.#names = new AssertedNames(options.prefixes, 'oidc sign-in', options.warn);
    this.#signIns = new PeerLimits(SIGN_INS_PER_PEER, SIGN_INS_IN_ALL, this.#now);
    const { door, secure, adminGroups, warn, sessionKey } = options;
    this.#handoff = new CommandLineHandoff({ mode: 'oidc', door, secure, adminGroups, warn, sessions: this.#sessions, clock, ...(sessionKey ? { sessionKey } : {}) });
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
    refuseTokenExchange(req, url, 'oidc');
    if (await this.#handoff.route(req, res, url)) return true;
    switch (url.pathname) {
      case SIGN_IN_PATH:
        if (req.method !== 'GET') sendMessage(res, 405, 'Sign in', 'Open this page with GET.');
        else await this.#begin(req, res, localPath(url.searchParams.get('then')));
        return true;
      case CALLBACK_PATH:
        if (req.method !== 'GET') sendMessage(res, 405, 'Sign in', 'The identity provider comes back here with GET.');
        else await this.#callback(req, res, url);
        return true;
      case SIGN_OUT_PATH: {
        const discovery = await this.#discovery.known();
        const end = discovery?.endSessionEndpoint;
        signOut(req, res, this.options.door, this.#sessions, () => (end ? withParams(end, { client_id: this.options.clientId }) : null));
        return true;
      }
      default:
        return false;
    }
  }

  /** Verifies an ID token as the callback does (exported for the attack tests: forged tokens go straight here). */
  verify(idToken: string, nonce: string): Promise<IdTokenClaims> {
    return verifyIdToken(idToken, { issuer: this.options.issuer, clientId: this.options.clientId, nonce, now: this.#now() }, (wanted) => this.#keys.key(wanted));
  }

  async #begin(req: IncomingMessage, res: ServerResponse, then: string): Promise<void> {
    const limited = this.#signIns.take(req.socket.remoteAddress);
    if (limited) {
      const whose = limited === 'peer' ? 'Too many sign-ins from your address' : 'Too many sign-ins right now';
      return sendMessage(res, 429, 'Sign in', `${whose}: wait a few seconds and try again.`, { href: SIGN_IN_PATH, text: 'Try again' });
    }
    let discovery;
    try {
      discovery = await this.#discovery.get();
    } catch (error) {
      return this.#unreachable(res, error);
    }
    const { cookie, flow, challenge } = this.#flows.begin(then);
    // Ask for what the provider offers of these: email and groups claims are often behind scopes.
    const extra = ['email', 'profile', 'groups'].filter((scope) => (discovery.scopes.length ? discovery.scopes.includes(scope) : scope !== 'groups'));
    const target = withParams(discovery.authorizationEndpoint, {
      response_type: 'code',
      client_id: this.options.clientId,
      redirect_uri: this.options.redirectUri,
      scope: ['openid', ...extra].join(' '),
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    // Lax, not Strict: it must come back with the provider's (cross-site, top-level GET) redirect.
    const named = flowCookie(this.options.secure);
    const setFlow = setCookie(named.name, cookie, { path: named.path, sameSite: 'Lax', secure: this.options.secure, maxAge: FLOW_MS / 1000 });
    res.writeHead(303, { Location: target, 'Set-Cookie': setFlow, 'Cache-Control': 'no-store', 'Content-Length': 0 });
    res.end();
  }

  async #callback(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const named = flowCookie(this.options.secure);
    const dropFlow = clearCookie(named.name, { path: named.path, sameSite: 'Lax', secure: this.options.secure });
    const again = { href: SIGN_IN_PATH, text: 'Sign in again' };
    const refuse = (status: number, sentence: string, keepFlow = false) => {
      this.options.warn(`oidc sign-in refused: ${sentence}`);
      sendMessage(res, status, 'Sign-in failed', sentence, again, keepFlow ? {} : { 'Set-Cookie': dropFlow });
    };
    const params = url.searchParams;
    const flow = this.#flows.take(cookieValue(req.headers.cookie, named.name), params.get('state') ?? '');
    // the sign-in under way (its flow, and its cookie) stays for the answer that is its own
    if (flow === 'otherState') return refuse(400, 'The answer from the identity provider does not belong to the sign-in this browser has under way (state): finish that one, or sign in again.', true);
    if (!flow) return refuse(400, 'This sign-in has expired, was finished already, or was started in another browser: sign in again.');
    const iss = params.get('iss'); // RFC 9207: which provider answered, against mix-ups
    if (iss !== null && iss !== this.options.issuer) return refuse(400, 'The answer came from another identity provider than --oidc-issuer.');
    const error = params.get('error');
    if (error !== null) return refuse(401, `The identity provider did not sign you in: ${/^[\x20-\x7e]{1,64}$/.test(error) ? error : 'an error'}.`);
    const code = params.get('code');
    if (!code || code.length > 4096) return refuse(400, 'The identity provider sent no code back.');
    let claims: IdTokenClaims;
    try {
      const discovery = await this.#discovery.get();
      const idToken = await exchangeCode({ tokenEndpoint: discovery.tokenEndpoint, clientId: this.options.clientId, clientSecret: this.options.clientSecret, redirectUri: this.options.redirectUri, code, verifier: flow.verifier });
      claims = await this.verify(idToken, flow.nonce);
    } catch (error) {
      if (error instanceof CodeRefused) return refuse(401, error.message);
      if (error instanceof IdTokenRejected) return refuse(401, error.message);
      return this.#unreachable(res, error, dropFlow);
    }
    const person = this.#personOf(claims);
    if ('problem' in person) return refuse(403, person.problem);
    const now = this.#now();
    // Fixed from now: the ID token's exp was checked (verify), and says nothing about the session.
    const expiresAt = now + (this.options.sessionMs ?? SESSION_MS);
    const caller = teamCaller('oidc', person, this.options.adminGroups, SIGN_OUT_PATH);
    const session = this.#sessions.start(caller, expiresAt, now);
    if ('problem' in session) {
      if (session.retryAfterSeconds === undefined) return refuse(400, session.problem);
      this.options.warn(`oidc sign-in refused: ${session.problem}`);
      return sendMessage(res, 503, 'Sign-in failed', session.problem, again, { 'Set-Cookie': dropFlow, 'Retry-After': String(session.retryAfterSeconds) });
    }
    this.options.warn(signedInLine(caller, req.socket.remoteAddress));
    // The browser came here on the provider's cross-site redirect. A redirect from here would still
    // count as part of that cross-site navigation, and the SameSite=Strict cookie set now would not
    // go with it (the page would find itself signed out). A page of ours that moves on by itself
    // starts a new, same-site navigation, and the cookie goes with that one.
    sendContinue(res, 'Signed in', `Signed in as ${person.user}.`, flow.then, { 'Set-Cookie': [session.setCookie, dropFlow] });
  }

  #personOf(claims: IdTokenClaims): Person | { problem: string } {
    const { usernameClaim, groupsClaim } = this.options;
    const user = claims[usernameClaim];
    if (typeof user !== 'string') return { problem: `The ID token has no ${usernameClaim} claim to take your user name from: ask your admin to check --oidc-username-claim.` };
    // as kube-apiserver reads it: present, it must be the boolean true ("false", 0 or null is no verification)
    if (usernameClaim === 'email' && 'email_verified' in claims && claims.email_verified !== true) return { problem: 'The identity provider has not verified your e-mail address, which is your user name here.' };
    const raw = claims[groupsClaim];
    const groups = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
    if (!Array.isArray(groups) || groups.some((group) => typeof group !== 'string')) return { problem: `The ID token's ${groupsClaim} claim is not a list of names: ask your admin to check --oidc-groups-claim.` };
    const person = this.#names.person(user, groups as string[], { user: `the ID token's ${usernameClaim} claim`, groups: `the ID token's ${groupsClaim} claim` });
    if ('reserved' in person) return { problem: `${person.problem} Ask your admin to set --oidc-username-prefix as the cluster's own, or another --oidc-username-claim.` };
    return person;
  }

  #unreachable(res: ServerResponse, error: unknown, dropFlow?: string): void {
    const sentence = error instanceof IssuerUnreachable ? error.message : `internal error: ${(error as Error)?.message ?? String(error)}`;
    this.options.warn(`oidc sign-in: ${sentence}`);
    sendMessage(res, 502, 'Sign-in failed', 'The identity provider could not be reached or answered something unusable: try again later (the server log says more).', { href: SIGN_IN_PATH, text: 'Try again' }, dropFlow ? { 'Set-Cookie': dropFlow } : {});
  }
}


function withParams(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

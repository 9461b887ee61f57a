// --auth kube-token: a person pastes a Kubernetes bearer token on the sign-in page; the server asks
// the cluster whose it is (TokenReview, as the server itself) and from then on acts as that user
// and their groups, through a session (sessions.ts: in memory, or a signed cookie replicas share).
// The token is used for that one review and then dropped: it is never stored, logged, echoed in a
// page or a message. A command line signs in the same way with the token in an Authorization
// header instead of the form, and gets the session's cookie in JSON (token-exchange.ts); the step
// both take, and their one budget of attempts, is kube-token-sign-in.ts. A command line may also be
// allowed by a person signed in on the page, with no token of theirs (command-line-handoff.ts).
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
import type { EndedListener } from './live-sessions.ts';
import { cookieValue, type FrontDoor } from '../security.ts';
import type { Authenticator, Verdict } from './authenticator.ts';
import { POSTS_A_FORM, sendMessage, sendPage } from './auth-pages.ts';
import { localPath } from './local-path.ts';
import { SIGN_IN_PATH, SIGN_OUT_PATH } from './auth-paths.ts';
import { bearerToken } from './command-sign-in.ts';
import { CommandLineHandoff } from './command-line-handoff.ts';
import { clearCookie, setCookie } from './cookies.ts';
import { readForm } from './form-body.ts';
import { FormTokens } from './form-tokens.ts';
import { kubeTokenForm } from './kube-token-page.ts';
import { KubeTokenSignIn, type Wording } from './kube-token-sign-in.ts';
import { crossSiteProblem } from './same-origin.ts';
import { CookieSessions } from './session-cookies.ts';
import { SESSION_MS, SYSTEM_CLOCK, SessionStore, type SessionClock, type Sessions } from './sessions.ts';
import { signOut } from './sign-out.ts';
import { exchangeToken } from './token-exchange.ts';

/**
 * The form's cookie. Over https a __Host- cookie at Path=/ (what the prefix demands), like the
 * session's: a page on a sibling subdomain cannot plant one (nor clear ours by shadowing it).
 */
function formCookie(secure: boolean): { name: string; path: string } {
  return secure ? { name: '__Host-octant_exec_form', path: '/' } : { name: 'octant_exec_form', path: SIGN_IN_PATH };
}
/** The form's cookie outlives a long pause on the page, not a day. */
const FORM_SECONDS = 3600;
/** How the form speaks of the token (the command line's: token-exchange.ts). */
const FORM_WORDING: Wording = {
  give: 'paste the token',
  again: 'paste it again',
  ownToken: 'Paste a token of your own user.',
  logged: '',
};

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
  /** the key replicas share (choose-authenticator.ts): the command line's sign-in through the browser (its codes, its form) is taken by all */
  sessionKey?: Uint8Array;
}

export class KubeTokenAuthenticator implements Authenticator {
  readonly mode = 'kube-token' as const;
  readonly signInPage = SIGN_IN_PATH;
  readonly #sessions: CookieSessions;
  readonly #forms: FormTokens;
  readonly #signIns: KubeTokenSignIn;
  readonly #handoff: CommandLineHandoff;

  constructor(private readonly options: KubeTokenOptions) {
    const clock = options.clock ?? SYSTEM_CLOCK;
    this.#forms = options.forms ?? new FormTokens();
    this.#sessions = new CookieSessions(options.sessions ?? new SessionStore(clock), options.secure, SIGN_IN_PATH);
    const { adminGroups, review, warn } = options;
    this.#signIns = new KubeTokenSignIn({ adminGroups, review, warn, sessions: this.#sessions, sessionMs: options.sessionMs ?? SESSION_MS, clock });
    const { door, secure, sessionKey } = options;
    this.#handoff = new CommandLineHandoff({ mode: 'kube-token', door, secure, adminGroups, warn, sessions: this.#sessions, clock, ...(sessionKey ? { sessionKey } : {}) });
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
    if (await this.#handoff.route(req, res, url)) return true;
    if (url.pathname === SIGN_OUT_PATH) {
      signOut(req, res, this.options.door, this.#sessions, () => null);
      return true;
    }
    if (url.pathname !== SIGN_IN_PATH) return false;
    const bearer = req.method === 'POST' ? bearerToken(req) : undefined;
    if (req.method === 'GET' || req.method === 'HEAD') this.#form(res, localPath(url.searchParams.get('then')));
    else if (bearer !== undefined) await exchangeToken(req, res, bearer, this.options.door, this.#signIns);
    else if (req.method === 'POST') await this.#signIn(req, res);
    else sendMessage(res, 405, 'Sign in', 'Open this page with GET, and send the form with POST.');
    return true;
  }

  #form(res: ServerResponse, then: string, status = 200, problem?: string, headers: Record<string, string> = {}): void {
    const { cookie, field } = this.#forms.issue();
    const named = formCookie(this.options.secure);
    const setForm = setCookie(named.name, cookie, { path: named.path, sameSite: 'Strict', secure: this.options.secure, maxAge: FORM_SECONDS });
    sendPage(res, status, 'Sign in to octant-exec', kubeTokenForm(field, then, problem), { ...POSTS_A_FORM, ...headers, 'Set-Cookie': setForm });
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
    const outcome = await this.#signIns.signIn(form.get('token') ?? '', req.socket.remoteAddress, FORM_WORDING);
    if ('refused' in outcome) return this.#form(res, then, outcome.refused.status, outcome.refused.message, outcome.refused.headers);
    const dropForm = clearCookie(named.name, { path: named.path, sameSite: 'Strict', secure: this.options.secure });
    // The post came from our own page, so this redirect is same-site and the Strict cookie goes with it.
    res.writeHead(303, { Location: then, 'Set-Cookie': [outcome.signedIn.setCookie, dropForm], 'Cache-Control': 'no-store', 'Content-Length': 0 });
    res.end();
  }
}

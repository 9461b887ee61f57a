// A session behind the session cookie: what kube-token and oidc share once a person is signed in.
// The cookie is SameSite=Strict: a page on another site can neither make the browser send it
// (CSRF) nor read it; the API's Origin and Fetch Metadata checks (same-origin.ts) stand behind that.
//
// Over https (an https --public-url, so the cookie is Secure) its name is `__Host-octant_exec_session`:
// browsers take a __Host- cookie only when it is Secure, Path=/ and has no Domain, so a page on a
// sibling subdomain (or a man in the middle of some plain-http page of the same site) cannot plant
// one for us, and only that name is read. Over plain http (loopback, development) the prefix would
// be refused by the browser, and the name stays `octant_exec_session`.
import type { IncomingMessage } from 'node:http';
import { COOKIE_NAME, cookieValue } from '../security.ts';
import type { Caller } from '../caller.ts';
import { refused, type Verdict } from './authenticator.ts';
import { clearCookie, setCookie } from './cookies.ts';
import type { Session, Sessions, StartRefused } from './sessions.ts';

/** The session cookie's name: with the __Host- prefix whenever the cookie is Secure. */
export function sessionCookieName(secure: boolean): string {
  return secure ? `__Host-${COOKIE_NAME}` : COOKIE_NAME;
}

export class CookieSessions {
  readonly #name: string;

  constructor(
    readonly store: Sessions,
    private readonly secure: boolean,
    private readonly signInPage: string,
  ) {
    this.#name = sessionCookieName(secure);
  }

  identify(req: IncomingMessage): Verdict {
    const found = this.store.find(cookieValue(req.headers.cookie, this.#name));
    if ('session' in found) return { caller: found.session.caller };
    if (found.problem === 'missing') return refused(401, `Sign in first: open ${this.signInPage}.`);
    return refused(401, `Your sign-in has ended (it expired, you signed out, or the server restarted): sign in again at ${this.signInPage}.`);
  }

  /** Starts a session: the Set-Cookie header that hands it to the browser and the cookie's NAME=VALUE (a command line's), or why none could be made. */
  start(caller: Caller, expiresAt: number, now: number, signedInAt?: number): { setCookie: string; cookie: string } | StartRefused {
    const value = this.store.start(caller, expiresAt, signedInAt);
    if (typeof value !== 'string') return value;
    return { setCookie: setCookie(this.#name, value, { path: '/', sameSite: 'Strict', secure: this.secure, maxAge: (expiresAt - now) / 1000 }), cookie: `${this.#name}=${value}` };
  }

  /** Ends the request's session, if any; returns it and the Set-Cookie header that removes the cookie. */
  end(req: IncomingMessage): { session: Session | undefined; cookie: string } {
    const session = this.store.end(cookieValue(req.headers.cookie, this.#name));
    return { session, cookie: clearCookie(this.#name, { path: '/', sameSite: 'Strict', secure: this.secure }) };
  }
}

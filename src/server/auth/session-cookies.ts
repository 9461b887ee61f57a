// A session behind the session cookie: what kube-token and oidc share once a person is signed in.
// The cookie is SameSite=Strict: a page on another site can neither make the browser send it
// (CSRF) nor read it; the API's Origin and Fetch Metadata checks (same-origin.ts) stand behind that.
import type { IncomingMessage } from 'node:http';
import { COOKIE_NAME, cookieValue } from '../security.ts';
import type { Caller } from '../caller.ts';
import { refused, type Verdict } from './authenticator.ts';
import { clearCookie, setCookie } from './cookies.ts';
import type { Session, SessionStore } from './sessions.ts';

export class CookieSessions {
  constructor(
    readonly store: SessionStore,
    private readonly secure: boolean,
    private readonly signInPage: string,
  ) {}

  identify(req: IncomingMessage): Verdict {
    const found = this.store.find(cookieValue(req.headers.cookie, COOKIE_NAME));
    if ('session' in found) return { caller: found.session.caller };
    if (found.problem === 'missing') return refused(401, `Sign in first: open ${this.signInPage}.`);
    return refused(401, `Your sign-in has ended (it expired, you signed out, or the server restarted): sign in again at ${this.signInPage}.`);
  }

  /** Starts a session; returns the Set-Cookie header that hands its id to the browser. */
  start(caller: Caller, expiresAt: number, now = Date.now()): string {
    const id = this.store.start(caller, expiresAt);
    return setCookie(COOKIE_NAME, id, { path: '/', sameSite: 'Strict', secure: this.secure, maxAge: (expiresAt - now) / 1000 });
  }

  /** Ends the request's session, if any; returns it and the Set-Cookie header that removes the cookie. */
  end(req: IncomingMessage): { session: Session | undefined; cookie: string } {
    const session = this.store.end(cookieValue(req.headers.cookie, COOKIE_NAME));
    return { session, cookie: clearCookie(COOKIE_NAME, { path: '/', sameSite: 'Strict', secure: this.secure }) };
  }
}

// --auth local (the default): one person, whoever holds the printed URL's per-launch token
// (SECURITY.md item 2). The page trades the token for the session cookie once, at POST
// /api/v1/session; every call and upgrade after that carries the cookie or the bearer token.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_CALLER } from '../caller.ts';
import { readJson } from '../read-json.ts';
import { HttpError, sendJson } from '../replies.ts';
import { authMessages, sameSecret, type AuthProblem, type FrontDoor } from '../security.ts';
import { refused, type Authenticator, type Verdict } from './authenticator.ts';

export const LOGIN_PATH = '/api/v1/session';

const authStatus: Record<AuthProblem, number> = { missing: 401, wrong: 401, tokenInQuery: 400 };

export class LocalAuthenticator implements Authenticator {
  readonly mode = 'local' as const;
  readonly signInPage = null;

  constructor(private readonly door: FrontDoor) {}

  identify(req: IncomingMessage): Verdict {
    const problem = this.door.authenticate(req);
    if (!problem) return { caller: LOCAL_CALLER };
    return refused(authStatus[problem], authMessages[problem], { 'WWW-Authenticate': 'Bearer' });
  }

  /** The page trades the token (from the URL fragment) for the session cookie, once. */
  async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname !== LOGIN_PATH) return false;
    if (url.search) throw new HttpError(400, 'The token goes in the JSON body, never in the query string.');
    if (req.method !== 'POST') throw new HttpError(405, 'POST {"token": "…"} here to get the session cookie.');
    const body = await readJson(req);
    const token = (body as { token?: unknown })?.token;
    if (typeof token !== 'string' || token.length > 512) throw new HttpError(400, 'The body must be {"token": "…"}.');
    if (!sameSecret(token, this.door.token)) {
      res.setHeader('WWW-Authenticate', 'Bearer'); // local mode's, as every refusal of it: the page offers its token field on it
      throw new HttpError(401, authMessages.wrong);
    }
    sendJson(res, 200, { ok: true }, { 'Set-Cookie': this.door.sessionCookie() });
    return true;
  }

  onEnded(): void {}

  /** One person, whose sign-in is the printed URL's token: nobody to sign out (no admin asks it: admin-routes.ts). */
  signOutPerson(): number {
    return Date.now();
  }

  onPersonSignedOut(): void {}

  close(): void {}
}

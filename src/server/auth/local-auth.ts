// --auth local (the default): one person, whoever holds the printed URL's per-launch token
// (SECURITY.md item 2). The page trades the token for the session cookie once, at POST
// /api/v1/session; every call and upgrade after that carries the cookie or the bearer token.
//
// Wrong tokens are limited per peer address under a ceiling for everyone (peer-limits.ts), as the
// team modes' sign-ins are: a flood of them costs its sender nothing, and is told to back off (429,
// Retry-After). Only a wrong token is counted, and the right one is let in whatever the limits
// say: the owner shares 127.0.0.1 with every local process, so a limit that refused the right
// token would let any of them lock the owner out. So a guess past the limit is still checked (a
// 429 tells its sender it was wrong): the token's 256 bits are what keeps guessers out.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_CALLER } from '../caller.ts';
import { readJson } from '../read-json.ts';
import { HttpError, sendJson } from '../replies.ts';
import { authMessages, sameSecret, type AuthProblem, type FrontDoor } from '../security.ts';
import { refused, type Authenticator, type Refusal, type Verdict } from './authenticator.ts';
import { refuseTokenExchange } from './command-sign-in.ts';
import { PeerLimits, type Limited, type Rate } from './peer-limits.ts';

export const LOGIN_PATH = '/api/v1/session';

const authStatus: Record<AuthProblem, number> = { missing: 401, wrong: 401, tokenInQuery: 400 };
/** Wrong tokens a second, in bursts, per address and from everyone together: a stale token retried by a page or a script stays well under. */
export const WRONG_TOKENS_PER_PEER: Rate = { rate: 1, burst: 10 };
export const WRONG_TOKENS_IN_ALL: Rate = { rate: 10, burst: 50 };
/** seconds to wait after a 429: one more wrong token is allowed a second later, at either rate */
const WRONG_RETRY_AFTER = '1';
const ASKS_FOR_TOKEN = { 'WWW-Authenticate': 'Bearer' }; // local mode's, as every refusal of it: the page offers its token field on it
const tooManyWrong: Record<Limited, string> = {
  peer: 'Too many wrong tokens came from your address just now: wait a few seconds, then open the URL octant-exec printed last, or give the token in its --token-file.',
  everyone: 'Too many wrong tokens were tried just now: wait a few seconds, then open the URL octant-exec printed last, or give the token in its --token-file.',
};

export class LocalAuthenticator implements Authenticator {
  readonly mode = 'local' as const;
  readonly signInPage = null;

  readonly #wrongTokens: PeerLimits;

  constructor(
    private readonly door: FrontDoor,
    now: () => number = Date.now,
  ) {
    this.#wrongTokens = new PeerLimits(WRONG_TOKENS_PER_PEER, WRONG_TOKENS_IN_ALL, now);
  }

  identify(req: IncomingMessage): Verdict {
    const problem = this.door.authenticate(req);
    if (!problem) return { caller: LOCAL_CALLER };
    if (problem === 'wrong') return { refused: this.#wrong(req) };
    return refused(authStatus[problem], authMessages[problem], ASKS_FOR_TOKEN);
  }

  /** The page trades the token (from the URL fragment) for the session cookie, once. */
  async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    refuseTokenExchange(req, url, 'local');
    if (url.pathname !== LOGIN_PATH) return false;
    if (url.search) throw new HttpError(400, 'The token goes in the JSON body, never in the query string.');
    if (req.method !== 'POST') throw new HttpError(405, 'POST {"token": "…"} here to get the session cookie.');
    const body = await readJson(req);
    const token = (body as { token?: unknown })?.token;
    if (typeof token !== 'string' || token.length > 512) throw new HttpError(400, 'The body must be {"token": "…"}.');
    if (!sameSecret(token, this.door.token)) {
      const refusal = this.#wrong(req);
      for (const [name, value] of Object.entries(refusal.headers ?? {})) res.setHeader(name, value);
      throw new HttpError(refusal.status, refusal.message);
    }
    sendJson(res, 200, { ok: true }, { 'Set-Cookie': this.door.sessionCookie() });
    return true;
  }

  /** A wrong token, counted against its address: 401 within the limits, 429 past them. */
  #wrong(req: IncomingMessage): Refusal {
    const limited = this.#wrongTokens.take(req.socket.remoteAddress);
    if (!limited) return { status: 401, message: authMessages.wrong, headers: ASKS_FOR_TOKEN };
    return { status: 429, message: tooManyWrong[limited], headers: { ...ASKS_FOR_TOKEN, 'Retry-After': WRONG_RETRY_AFTER } };
  }

  onEnded(): void {}

  /** One person, whose sign-in is the printed URL's token: nobody to sign out (no admin asks it: admin-routes.ts). */
  signOutPerson(): number {
    return Date.now();
  }

  onPersonSignedOut(): void {}

  close(): void {}
}

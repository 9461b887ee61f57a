// Local mode's share links (docs/api.md, "Sharing a terminal"): a link carries its share's id and
// a one-time secret in its fragment (never sent to a server, so never in a proxy's log). The
// shared page trades the secret, once, for a cookie limited to that share: the first browser to
// open the link keeps it, any other is refused. Wraps local mode's Authenticator: whoever holds
// the printed URL's token is still let in as before; a request with only a share cookie is let
// in as a caller limited to that share (caller.ts `share`), and nothing more.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TokenBucket } from '../../domain/token-bucket.ts';
import type { ExecSystem } from '../../runtime/exec-system.ts';
import { isId, type ShareSignIn } from '../../protocol/index.ts';
import type { Caller } from '../caller.ts';
import { readJson } from '../http-api.ts';
import { HttpError, sendJson } from '../replies.ts';
import { cookieValue } from '../security.ts';
import { refused, type Authenticator, type Verdict } from '../auth/authenticator.ts';
import { shareEnd, shareEndMessages } from './share-grant.ts';
import { matchesHash, newShareSecret, secretHash } from './share-secrets.ts';

export const SHARE_SIGN_IN_PATH = '/api/v1/share-session';
export const SHARE_COOKIE = 'octant_exec_share';
/** Links are tried at most this often (a second), in bursts of CLAIM_BURST: a guesser gets a handful a second, of 2^256. */
const CLAIMS_PER_SECOND = 2;
const CLAIM_BURST = 20;
const MAX_SECRET = 128;

export class ShareLinkAuthenticator implements Authenticator {
  readonly mode = 'local' as const;
  readonly signInPage = null;
  readonly #claims: TokenBucket;

  constructor(
    private readonly inner: Authenticator,
    private readonly system: Pick<ExecSystem, 'shares' | 'share' | 'settled'>,
    private readonly now: () => number = Date.now,
  ) {
    this.#claims = new TokenBucket(CLAIMS_PER_SECOND, CLAIM_BURST, now);
  }

  identify(req: IncomingMessage): Verdict {
    const verdict = this.inner.identify(req);
    if ('caller' in verdict) return verdict;
    const cookie = cookieValue(req.headers.cookie, SHARE_COOKIE);
    if (cookie === undefined) return verdict;
    const dot = cookie.indexOf('.');
    const shareId = cookie.slice(0, dot);
    const row = dot > 0 && isId(shareId) ? this.system.shares.byId[shareId] : undefined;
    if (!matchesHash(cookie.slice(dot + 1), row?.cookieHash) || !row) return refused(401, 'This share link is no longer valid here (its terminal was closed, or the server\'s state was reset): ask the owner for a new link.');
    const end = shareEnd(row, { share: { shareId } }, this.now());
    if (end) return refused(403, shareEndMessages[end]);
    const caller: Caller = { mode: 'local', admin: false, signOut: null, share: { shareId } };
    return { caller };
  }

  async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname !== SHARE_SIGN_IN_PATH) return this.inner.route(req, res, url);
    if (url.search) throw new HttpError(400, 'The link\'s secret goes in the JSON body, never in the query string.');
    if (req.method !== 'POST') throw new HttpError(405, 'POST {"id": "…", "secret": "…"} (from the share link) here to open a shared terminal.');
    const body = (await readJson(req)) as Partial<ShareSignIn> | null;
    const { id, secret } = body ?? {};
    if (!isId(id) || typeof secret !== 'string' || secret.length === 0 || secret.length > MAX_SECRET) throw new HttpError(400, 'The body must be {"id": "…", "secret": "…"}, both from the share link.');
    // every try counts, a right one too: a guesser cannot tell which of its tries the limit stopped
    if (!this.#claims.take()) throw new HttpError(429, 'Too many share links were tried just now: wait a few seconds and open the link again.');
    const row = this.system.shares.byId[id];
    if (!matchesHash(secret, row?.secretHash) || !row) throw new HttpError(401, 'This share link is not valid (mistyped, or not from this server): ask the owner to send it again.');
    const end = shareEnd(row, { share: { shareId: id } }, this.now());
    if (end) throw new HttpError(410, shareEndMessages[end]);
    if (row.cookieHash !== undefined) throw new HttpError(409, 'This share link was already opened in another browser, and it works in one browser only: ask the owner for a new link.');
    const cookieSecret = newShareSecret();
    this.system.share({ type: 'share.claimed', shareId: id, sessionId: row.sessionId, cookieHash: secretHash(cookieSecret) });
    await this.system.settled().catch(() => undefined);
    sendJson(res, 200, { shareId: id, sessionId: row.sessionId }, { 'Set-Cookie': `${SHARE_COOKIE}=${id}.${cookieSecret}; HttpOnly; SameSite=Strict; Path=/` });
    return true;
  }

  onEnded(listener: (caller: Caller) => void): void {
    this.inner.onEnded(listener);
  }

  close(): void {
    this.inner.close();
  }
}

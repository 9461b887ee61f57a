// Local mode's share links (docs/api.md, "Sharing a terminal"): a link carries its share's id and
// a one-time secret in its fragment (never sent to a server, so never in a proxy's log). The
// shared page trades the secret, once, for a cookie limited to that share: the first browser to
// open the link keeps it, any other is refused. Wraps local mode's Authenticator: whoever holds
// the printed URL's token is still let in as before; a request with only a share cookie is let
// in as a caller limited to that share (caller.ts `share`), and nothing more.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PeerLimits, type Rate } from '../auth/peer-limits.ts';
import type { ExecSystem } from '../../runtime/exec-system.ts';
import { isId, type ShareSignIn } from '../../protocol/index.ts';
import type { Caller } from '../caller.ts';
import { readJson } from '../read-json.ts';
import { HttpError, sendJson } from '../replies.ts';
import { refused, type Authenticator, type Verdict } from '../auth/authenticator.ts';
import type { EndedListener } from '../auth/live-sessions.ts';
import { shareEnd, shareEndMessages } from './share-grant.ts';
import { isShareSecret, matchesHash, newShareSecret, secretHash } from './share-secrets.ts';

export const SHARE_SIGN_IN_PATH = '/api/v1/share-session';
/** followed by the share's id: one cookie per link, so a second link opened in a browser keeps the first working */
export const SHARE_COOKIE = 'octant_exec_share_';
/**
 * Links tried, per address and by everyone together (a second, in bursts): a guesser gets a
 * handful a second, of 2^256, and one address using up its own share locks nobody else out.
 */
const CLAIMS_PER_PEER: Rate = { rate: 1, burst: 10 };
const CLAIMS_IN_ALL: Rate = { rate: 10, burst: 50 };
/** seconds to wait after a 429: a token comes back in a second, at either rate */
const CLAIM_RETRY_AFTER = '1';
const MAX_SECRET = 128;
/** a claim this replica could not log yet: the page is reloaded once it is (the link's secret is no longer in its address) */
const NOT_WRITTEN = 'The server could not yet record that this browser opened the link (its event log does not answer): reload this page in a moment.';
const NOT_WRITTEN_RETRY_AFTER = '5';
const ALREADY_OPENED = 'This share link was already opened in another browser, and it works in one browser only: ask the owner for a new link.';

export interface ShareLinkOptions {
  /** its cookies are Secure: people reach the server over https (--public-url) */
  secure?: boolean;
  now?: () => number;
}

export class ShareLinkAuthenticator implements Authenticator {
  readonly mode = 'local' as const;
  readonly signInPage = null;
  readonly #claims: PeerLimits;
  readonly #now = (): number => (this.options.now ?? Date.now)();

  constructor(
    private readonly inner: Authenticator,
    private readonly system: Pick<ExecSystem, 'shares' | 'share' | 'settled'>,
    private readonly options: ShareLinkOptions = {},
  ) {
    this.#claims = new PeerLimits(CLAIMS_PER_PEER, CLAIMS_IN_ALL, this.#now);
  }

  identify(req: IncomingMessage): Verdict {
    const verdict = this.inner.identify(req);
    // let in, or held back for a flood of wrong tokens (429, with its Retry-After): a share's cookie changes neither
    if ('caller' in verdict || verdict.refused.status === 429) return verdict;
    // its refusals keep the inner mode's headers (local mode asks for its token: the page's field)
    const held = shareCookies(req.headers.cookie);
    if (held.size === 0) return verdict;
    // one browser may hold several links: the shared page names the one it shows (?id= or, on the socket, ?share=)
    const query = new URL(req.url ?? '/', 'http://any').searchParams;
    const wanted = query.get('share') ?? query.get('id');
    const shareId = wanted !== null ? wanted : held.size === 1 ? [...held.keys()][0] : undefined;
    if (shareId === undefined) return refused(401, 'This browser holds several share links: open the one you want from its link again.', verdict.refused.headers);
    if (!held.has(shareId)) return refused(401, 'This browser has not opened that share link: open it from the link the owner sent you.', verdict.refused.headers);
    const row = this.system.shares.byId[shareId];
    if (!matchesHash(held.get(shareId)!, row?.cookieHash) || !row) return refused(401, 'This share link is no longer valid here (its terminal was closed, or the server\'s state was reset): ask the owner for a new link.', verdict.refused.headers);
    const end = shareEnd(row, { share: { shareId } }, this.#now());
    if (end) return refused(403, shareEndMessages[end]);
    const caller: Caller = { mode: 'local', admin: false, signOut: null, share: { shareId } };
    return { caller };
  }

  async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname !== SHARE_SIGN_IN_PATH) return this.inner.route(req, res, url);
    if (url.search) throw new HttpError(400, 'The link\'s secret goes in the JSON body, never in the query string.');
    if (req.method !== 'POST') throw new HttpError(405, 'POST {"id": "…", "secret": "…"} (from the share link) here to open a shared terminal.');
    // the owner trying their own link would use it up: the one person it is for could not open it then
    if ('caller' in this.inner.identify(req)) throw new HttpError(409, 'This browser is the terminal\'s owner: your link was not used, so it still opens for the one person you send it to (in one browser only).');
    const body = (await readJson(req)) as Partial<ShareSignIn> | null;
    const { id, secret } = body ?? {};
    if (!isId(id) || typeof secret !== 'string' || secret.length === 0 || secret.length > MAX_SECRET) throw new HttpError(400, 'The body must be {"id": "…", "secret": "…"}, both from the share link.');
    // every try counts, a right one too: a guesser cannot tell which of its tries the limit stopped
    const limited = this.#claims.take(req.socket.remoteAddress);
    if (limited) {
      const message = limited === 'peer' ? 'Too many share links were tried from your address just now: wait a few seconds and open the link again.' : 'Too many share links were tried just now: wait a few seconds and open the link again.';
      sendJson(res, 429, { error: { status: 429, message } }, { 'Retry-After': CLAIM_RETRY_AFTER });
      return true;
    }
    const row = this.system.shares.byId[id];
    if (!matchesHash(secret, row?.secretHash) || !row) throw new HttpError(401, 'This share link is not valid (mistyped, not from this server, or its terminal was closed): ask the owner to send it again.');
    const end = shareEnd(row, { share: { shareId: id } }, this.#now());
    if (end) throw new HttpError(410, shareEndMessages[end]);
    if (row.cookieHash !== undefined) throw new HttpError(409, ALREADY_OPENED);
    // A browser that opened it while the log did not answer (a 503 with its cookie) and opens it
    // again keeps its cookie: a new one would replace it, and the first claim, written first, wins.
    const held = shareCookies(req.headers.cookie).get(id);
    const cookieSecret = held !== undefined && isShareSecret(held) ? held : newShareSecret();
    const cookieHash = secretHash(cookieSecret);
    this.system.share({ type: 'share.claimed', shareId: id, sessionId: row.sessionId, cookieHash });
    await this.system.settled().catch(() => undefined);
    const kept = this.system.shares.byId[id]?.cookieHash;
    // another claim (at another replica, or in the same moment) may have come first: it keeps the link
    if (kept !== undefined && kept !== cookieHash) throw new HttpError(409, ALREADY_OPENED);
    const cookie = { 'Set-Cookie': `${SHARE_COOKIE}${id}=${cookieSecret}; HttpOnly; SameSite=Strict; Path=/${this.options.secure ? '; Secure' : ''}` };
    // Not in the log yet (a shared log's database does not answer): the claim waits in this
    // replica's queue and is written once it answers, so this browser gets its cookie now, which
    // opens the share from then on (unless another claim is written first). Without it, nobody
    // could open the link once the claim is written.
    if (kept === undefined) sendJson(res, 503, { error: { status: 503, message: NOT_WRITTEN } }, { ...cookie, 'Retry-After': NOT_WRITTEN_RETRY_AFTER });
    else sendJson(res, 200, { shareId: id, sessionId: row.sessionId }, cookie);
    return true;
  }

  onEnded(listener: EndedListener): void {
    this.inner.onEnded(listener);
  }

  signOutPerson(user: string): number {
    return this.inner.signOutPerson(user);
  }

  onPersonSignedOut(listener: (user: string, at: number) => void): void {
    this.inner.onPersonSignedOut(listener);
  }

  close(): void {
    this.inner.close();
  }
}

/** The share cookies a request carries: each share's id, with its cookie's secret. */
function shareCookies(header: string | undefined): Map<string, string> {
  const held = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const shareId = name.slice(SHARE_COOKIE.length);
    if (eq > 0 && name.startsWith(SHARE_COOKIE) && isId(shareId)) held.set(shareId, part.slice(eq + 1).trim());
  }
  return held;
}

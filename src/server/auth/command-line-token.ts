// POST /auth/command-line/token: the command line trades the code the browser brought its listener
// (command-line-handoff.ts) and the PKCE verifier only it holds for a session of its own, answered
// as the token exchange answers (token-exchange.ts: the cookie in JSON, no Set-Cookie). JSON in and
// out, no form token: a page of another site cannot send JSON without a CORS preflight, which this
// server never grants, and an Origin, when one is sent, must be ours. Refusals carry no
// WWW-Authenticate, and say to sign in through the browser again. Nothing of the code, the
// verifier or the cookie is ever logged.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import type { CommandLineSession } from '../../protocol/http.ts';
import { sendError, sendJson } from '../replies.ts';
import { readJson } from '../read-json.ts';
import type { FrontDoor } from '../security.ts';
import { SIGN_OUT_PATH } from './auth-paths.ts';
import { RUN_AGAIN } from './command-line-page.ts';
import { CODE_MS, type HandoffCodes } from './handoff-codes.ts';
import { PeerLimits, type Rate } from './peer-limits.ts';
import { crossSiteProblem } from './same-origin.ts';
import type { CookieSessions } from './session-cookies.ts';
import type { SessionClock } from './sessions.ts';
import { signedInLine, teamCaller } from './team-caller.ts';

// A trade follows a click on the page, as an OIDC sign-in does (the same limits: an office behind
// one address signing in at nine is well within them); a flood is a script gone wrong or a guess
// at codes (which the MAC refuses anyway), and one address flooding must not lock the others out.
export const TRADES_PER_PEER: Rate = { rate: 5, burst: 30 };
export const TRADES_IN_ALL: Rate = { rate: 100, burst: 1000 };
/** RFC 7636's verifier: 43 to 128 unreserved characters */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

export interface TradeOptions {
  mode: 'kube-token' | 'oidc';
  codes: HandoffCodes;
  /** the mode's sessions: the command line's is one of them */
  sessions: CookieSessions;
  adminGroups: ReadonlySet<string>;
  clock: SessionClock;
  warn(message: string): void;
}

/** The trades' limits, kept for as long as the server runs. */
export const tradeLimits = (clock: SessionClock) => new PeerLimits(TRADES_PER_PEER, TRADES_IN_ALL, () => clock.now());

export async function tradeCode(req: IncomingMessage, res: ServerResponse, door: FrontDoor, limits: PeerLimits, options: TradeOptions): Promise<void> {
  const crossSite = crossSiteProblem(req, door);
  if (crossSite) return sendError(res, 403, crossSite);
  const limited = limits.take(req.socket.remoteAddress);
  if (limited) {
    res.setHeader('Retry-After', '1');
    return sendError(res, 429, `${limited === 'peer' ? 'Too many sign-ins from your address' : 'Too many sign-ins right now'}: wait a few seconds, then ${RUN_AGAIN}.`);
  }
  const body = (await readJson(req)) as { code?: unknown; verifier?: unknown } | null;
  const { code, verifier } = body ?? {};
  if (typeof code !== 'string' || typeof verifier !== 'string' || !VERIFIER.test(verifier)) return sendError(res, 400, `This is not what \`octant-exec sign-in --browser\` sends (a JSON object with its code and verifier): ${RUN_AGAIN}.`);
  const handoff = options.codes.open(code, options.mode);
  if (handoff === 'bad') return sendError(res, 400, `This code is not one this server gave (it was changed, or another server made it): ${RUN_AGAIN}.`);
  if (handoff === 'expired') return sendError(res, 400, `This code has expired (it lasts ${CODE_MS / 60_000} minutes): ${RUN_AGAIN}.`);
  if (createHash('sha256').update(verifier).digest('base64url') !== handoff.challenge) return sendError(res, 400, `This code was given to another command line (the verifier does not match): ${RUN_AGAIN}.`);
  if (!options.codes.spend(handoff)) return sendError(res, 400, `This code was used already: ${RUN_AGAIN}.`);
  const person = { user: handoff.user, groups: handoff.groups };
  if (options.sessions.store.personSignedOutSince(person.user, handoff.signedIn)) {
    options.warn(`${options.mode} sign-in refused: ${JSON.stringify(person.user)} was signed out everywhere by an admin after allowing the command line in the browser`);
    return sendError(res, 403, `An admin signed you out everywhere since you allowed the command line: sign in on the page again, then ${RUN_AGAIN}.`);
  }
  const now = options.clock.now();
  if (handoff.sessionEnd <= now) return sendError(res, 400, `Your sign-in in the browser has ended: sign in on the page again, then ${RUN_AGAIN}.`);
  const caller = teamCaller(options.mode, person, options.adminGroups, SIGN_OUT_PATH);
  // made when the browser's was: an admin's sign-out of the person that reaches this replica late ends it as it ends the browser's
  const session = options.sessions.start(caller, handoff.sessionEnd, now, handoff.signedIn);
  if ('problem' in session) {
    if (session.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(session.retryAfterSeconds));
    return sendError(res, session.retryAfterSeconds !== undefined ? 503 : 400, session.problem);
  }
  options.warn(`${signedInLine(caller, req.socket.remoteAddress)} (the command line, allowed in the browser)`);
  const answer: CommandLineSession = { cookie: session.cookie, user: person.user, groups: person.groups, admin: caller.admin, expiresAt: new Date(handoff.sessionEnd).toISOString() };
  sendJson(res, 200, answer);
}

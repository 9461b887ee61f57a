// kube-token's sign-in for a command line (`octant-exec sign-in`): `POST /auth/sign-in` with
// `Authorization: Bearer <the person's Kubernetes token>` trades the token for a session once, and
// the command line then sends the session's cookie on every call, as a browser does. The step is the
// form's own (kube-token-sign-in.ts: the same limits, TokenReview, refusals and session); only the
// answer differs: JSON, the cookie in the body (a command line keeps the body, not a Set-Cookie).
//
// No form and no CSRF token: a page of another origin cannot send an Authorization header without a
// CORS preflight, which this server never grants; an Origin, when one is sent, must still be ours.
// Refusals carry no WWW-Authenticate: the command line reads a Bearer challenge as local mode's
// refusal of its token.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CommandLineSession } from '../../protocol/http.ts';
import { sendError, sendJson } from '../replies.ts';
import type { FrontDoor } from '../security.ts';
import type { KubeTokenSignIn, Wording } from './kube-token-sign-in.ts';
import { crossSiteProblem } from './same-origin.ts';

export const COMMAND_WORDING: Wording = {
  give: 'give `octant-exec sign-in` the token',
  again: 'run `octant-exec sign-in` again',
  ownToken: 'Run `octant-exec sign-in` with a token of your own user.',
  logged: ' (a token exchange, from the command line)',
};

export async function exchangeToken(req: IncomingMessage, res: ServerResponse, token: string, door: FrontDoor, signIns: KubeTokenSignIn): Promise<void> {
  // The body means nothing here and is never read: a request with one has its connection closed
  // after the answer, rather than read whatever its sender goes on sending.
  if (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0) res.setHeader('Connection', 'close');
  const crossSite = crossSiteProblem(req, door);
  if (crossSite) return sendError(res, 403, crossSite);
  const outcome = await signIns.signIn(token, req.socket.remoteAddress, COMMAND_WORDING);
  if ('refused' in outcome) {
    for (const [name, value] of Object.entries(outcome.refused.headers ?? {})) res.setHeader(name, value);
    return sendError(res, outcome.refused.status, outcome.refused.message);
  }
  const { caller, person, expiresAt, cookie } = outcome.signedIn;
  const answer: CommandLineSession = { cookie, user: person.user, groups: person.groups, admin: caller.admin, expiresAt: new Date(expiresAt).toISOString() };
  sendJson(res, 200, answer);
}

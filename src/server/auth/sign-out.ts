// POST /auth/sign-out (kube-token, oidc): ends the session at once, so the cookie is worthless even
// if a copy survives (with signed sessions: on this replica, and on the others when they share a
// store, shared-revocations.ts), and closes the sockets it opened here. The page's fetch gets JSON;
// a form post gets a page. `next` is where to go on (the identity provider's end-session page).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../replies.ts';
import type { FrontDoor } from '../security.ts';
import { SIGN_IN_PATH } from './auth-paths.ts';
import { sendContinue, sendMessage } from './auth-pages.ts';
import { crossSiteProblem } from './same-origin.ts';
import type { CookieSessions } from './session-cookies.ts';

export function signOut(req: IncomingMessage, res: ServerResponse, door: FrontDoor, sessions: CookieSessions, next: (signedIn: boolean) => string | null): void {
  if (req.method !== 'POST') return sendMessage(res, 405, 'Sign out', 'Sign out with a POST (the button on the page), so that no link elsewhere can sign you out.', { href: '/', text: 'Back to octant-exec' });
  const problem = crossSiteProblem(req, door);
  if (problem) return sendMessage(res, 403, 'Sign out', problem);
  const { session, cookie } = sessions.end(req);
  const target = next(session !== undefined);
  // The page's fetch (JSON in, or JSON asked for) gets JSON; a form post gets a page.
  const json = (req.headers.accept ?? '').includes('application/json') || (req.headers['content-type'] ?? '').startsWith('application/json');
  if (json) return sendJson(res, 200, { signedOut: true, next: target }, { 'Set-Cookie': cookie });
  if (target) return sendContinue(res, 'Signed out', 'You are signed out of octant-exec; now signing out at your identity provider.', target, { 'Set-Cookie': cookie });
  sendMessage(res, 200, 'Signed out', 'You are signed out of octant-exec.', { href: SIGN_IN_PATH, text: 'Sign in again' }, { 'Set-Cookie': cookie });
}

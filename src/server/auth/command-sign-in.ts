// A command line signs in with `POST /auth/sign-in` and `Authorization: Bearer TOKEN` (`octant-exec
// sign-in`). kube-token trades the token for a session (token-exchange.ts); the other modes trade
// none, and say in JSON how they sign people in instead, rather than a bare 404 or a page.
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../replies.ts';
import { SIGN_IN_PATH } from './auth-paths.ts';

/** The token of an `Authorization: Bearer …` header ('' for the scheme alone), or undefined: none, or another scheme (a proxy's Basic). */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer(?:[ \t]+(.*))?$/i.exec(req.headers.authorization ?? '');
  return match ? (match[1] ?? '').trim() : undefined;
}

const HOW_THIS_SERVER_SIGNS_IN = {
  local: 'This server is in local mode: it takes the token of its --json line (OCTANT_EXEC_TOKEN, or --token-file), no sign-in.',
  proxy: 'This server is behind an authenticating proxy: the proxy in front signs people in, not octant-exec. Give the command line a token the proxy takes (--token-file or OCTANT_EXEC_TOKEN).',
  oidc: 'This server signs people in through its OpenID provider, in a browser: run `octant-exec sign-in --browser`, which has you allow the command line there.',
};

/** Whether a request asks for JSON (a command line, the page's fetch) rather than a page. */
export function asksForJson(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('application/json');
}

/**
 * Refuses a command line's sign-in in a mode that trades no token (throws: the server answers the
 * sentence as JSON); returns when the request is none. oidc has the route, for a browser's GET and
 * the command line's question (command-line-handoff.ts), so only a POST with a bearer token is that
 * (400); local and proxy have no sign-in route at all (404), asked as the command line asks which
 * ways in there are (a GET for JSON) or with a token.
 */
export function refuseTokenExchange(req: IncomingMessage, url: URL, mode: keyof typeof HOW_THIS_SERVER_SIGNS_IN): void {
  if (url.pathname !== SIGN_IN_PATH) return;
  const asked = req.method === 'POST' || (req.method === 'GET' && asksForJson(req));
  if (mode !== 'oidc' && asked) throw new HttpError(404, HOW_THIS_SERVER_SIGNS_IN[mode]);
  if (req.method !== 'POST') return;
  if (bearerToken(req) !== undefined) throw new HttpError(400, HOW_THIS_SERVER_SIGNS_IN.oidc);
}

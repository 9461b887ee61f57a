// A kube-token authenticator against a stand-in TokenReview, on a bare HTTP server (around), with
// a virtual clock: the form's sign-in and the command line's token exchange, as a browser and
// `octant-exec sign-in` send them.
import { Buffer } from 'node:buffer';
import { KubeTokenAuthenticator } from '../../src/server/auth/kube-token-auth.ts';
import { SessionStore } from '../../src/server/auth/sessions.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import type { TokenReviewResult } from '../../src/adapters/kubernetes/token-review.ts';
import { FrontDoor } from '../../src/server/security.ts';
import type { Caller } from '../../src/server/caller.ts';
import { Jar, around, formOf, send } from './auth-support.ts';

/** Whose each token is, as the cluster would say: the token's text is the user's name. */
const named = async (token: string): Promise<TokenReviewResult> => ({ authenticated: true, username: token.startsWith('eyJ') ? 'jwt-user' : token, groups: ['system:authenticated'] });

export async function kubeToken(options: { maxSessions?: number; secure?: boolean; review?: (token: string) => Promise<TokenReviewResult> } = {}) {
  const clock = new VirtualClock(1_000_000);
  const warnings: string[] = [];
  const sessions = options.maxSessions ? { sessions: new SessionStore(clock, options.maxSessions) } : {};
  const auth = new KubeTokenAuthenticator({ door: new FrontDoor({ token: 't', port: 1 }), adminGroups: new Set(), secure: options.secure ?? false, review: options.review ?? named, warn: (m) => warnings.push(m), clock, ...sessions });
  const ended: Caller[] = [];
  auth.onEnded((caller) => ended.push(caller));
  const server = await around(auth);
  const signIn = async (token: string, from?: string) => {
    const jar = new Jar();
    const at = from ? { from } : {};
    const page = await send(server.port, '/auth/sign-in', at);
    jar.take(page.cookies);
    const answer = await send(server.port, '/auth/sign-in', { body: new URLSearchParams({ ...formOf(page.body).fields, token }).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: jar.header() }, ...at });
    return { page, answer, jar: jar.take(answer.cookies) };
  };
  /** `octant-exec sign-in`: the token in an Authorization header, nothing else */
  const exchange = (token: string, from?: string) => send(server.port, '/auth/sign-in', { method: 'POST', headers: { Authorization: `Bearer ${token}` }, ...(from ? { from } : {}) });
  const who = async (cookie: string) => (await send(server.port, '/', { headers: { Cookie: cookie } })).json.person?.user;
  return { clock, warnings, ended, server, signIn, exchange, who, close: async () => (auth.close(), await server.close()) };
}

/** A JWT as the cluster issues them, its payload read by nobody but the test's stand-in. */
export const jwt = (payload: object) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

// The command line's sign-in through the browser (src/server/auth/command-line-handoff.ts), as its
// two sides send it: the command line's PKCE pair and its trade of the code, and the browser's
// visit to the page, its click on Allow, and the redirect that brings the code to 127.0.0.1.
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { FORM } from './team-sign-in.ts';
import { formOf, send, type Answer, type Jar } from './auth-support.ts';

/** A verifier as `octant-exec sign-in --browser` makes one, and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The port a command line's listener has, in the tests (nothing listens: the redirect is only read). */
export const LISTENER = 43210;

export const pagePath = (challenge: string, port = LISTENER) => `/auth/command-line?port=${port}&challenge=${challenge}`;

/** The browser (its jar signed in) opens the page and clicks Allow: the page, and the form's answer. */
/** (`origin`: the page's Origin on the post; none, as Fetch Metadata alone, when not given) */
export async function allow(server: { port: number; origin?: string }, jar: Jar, challenge: string, options: { from?: string; headers?: Record<string, string>; fields?: Record<string, string> } = {}): Promise<{ page: Answer; answer: Answer }> {
  const from = options.from ? { from: options.from } : {};
  const page = await send(server.port, pagePath(challenge), { headers: { Cookie: jar.header() }, ...from });
  assert.is(page.status, 200, page.body);
  jar.take(page.cookies);
  const { action, fields } = formOf(page.body);
  const body = new URLSearchParams({ ...fields, ...options.fields }).toString();
  const answer = await send(server.port, action, { body, headers: { ...FORM, Cookie: jar.header(), ...(server.origin ? { Origin: server.origin } : {}), ...options.headers }, ...from });
  jar.take(answer.cookies);
  return { page, answer };
}

/** The code in the redirect to the command line's listener. */
export function codeOf(answer: Answer, port = LISTENER): string {
  assert.is(answer.status, 303, answer.body);
  const to = new URL(String(answer.headers.location));
  assert.is(`${to.origin}${to.pathname}`, `http://127.0.0.1:${port}/`);
  return to.searchParams.get('code')!;
}

/** What the command line sends to trade the code: JSON, no cookie, no Origin. */
export function trade(port: number, body: unknown, headers: Record<string, string> = {}, from?: string): Promise<Answer> {
  return send(port, '/auth/command-line/token', { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers }, ...(from ? { from } : {}) });
}

// --auth oidc end to end against a real OpenID Provider on loopback (the oidc-provider package,
// its development login and consent pages driven with plain HTTP): alice signs in through the
// authorization code flow with PKCE and is alice with her groups; carol is an admin. Then the
// attacks on the flow itself: a replayed callback, a replayed code in a new sign-in, a state that
// does not match, a provider that says no. (Forged ID tokens are in auth-parts.test.ts.)
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type ProviderType from 'oidc-provider';
import { startTestApp } from './support.ts';
import { Jar, formOf, send, upgrade, type Answer } from './auth-support.ts';

const CLIENT_ID = 'octant-exec';
const SECRET = 'the-client-secret-of-octant-exec';
const people: Record<string, string[]> = { alice: ['dev'], bob: ['viewers'], carol: ['octant-admins'] };

const idp = createServer();
await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
const idpPort = (idp.address() as AddressInfo).port;
const issuer = `http://127.0.0.1:${idpPort}`;
const dir = mkdtempSync(join(tmpdir(), 'octant-exec-oidc-'));
writeFileSync(join(dir, 'secret'), `${SECRET}\n`, { mode: 0o600 });
const warnings: string[] = [];
const app = await startTestApp({ auth: { mode: 'oidc', issuer, clientId: CLIENT_ID, clientSecretFile: join(dir, 'secret') }, adminGroups: ['octant-admins'], warn: (m) => warnings.push(m) });
// oidc-provider warns, on import and construction, about the development defaults this test wants
// (an in-memory store, its own login pages, Node 20): those lines are kept out of the test output.
const { default: Provider } = await quietly(() => import('oidc-provider'));
const provider: ProviderType = await quietly(async () => new Provider(issuer, {
  clients: [{ client_id: CLIENT_ID, client_secret: SECRET, redirect_uris: [`${app.origin}/auth/callback`], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' }],
  async findAccount(_ctx, id) {
    if (!(id in people)) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, email: `${id}@example.com`, email_verified: true, groups: people[id] }) };
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
  scopes: ['openid', 'email', 'groups'],
  // the claims the scopes ask for go into the ID token, where octant-exec (like kube-apiserver) reads them
  conformIdTokenClaims: false,
  cookies: { keys: ['a-key-for-the-test-provider-cookies'] },
  features: { devInteractions: { enabled: true } },
  ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 3600 },
}));
idp.on('request', provider.callback());
test.after(async () => {
  await app.close();
  await new Promise<void>((resolve) => {
    idp.close(() => resolve());
    idp.closeAllConnections();
  });
  rmSync(dir, { recursive: true, force: true });
});

async function quietly<T>(body: () => Promise<T>): Promise<T> {
  const { warn, info } = console;
  const unless = (print: typeof console.warn) => (...args: unknown[]) => {
    if (!/^oidc-provider (WARNING|NOTICE)/.test(String(args[0]))) print(...args);
  };
  console.warn = unless(warn);
  console.info = unless(info);
  try {
    return await body();
  } finally {
    Object.assign(console, { warn, info });
  }
}

const at = (url: URL, options: Parameters<typeof send>[2] = {}) => send(Number(url.port), url.pathname + url.search, { ...options, headers: { Host: url.host, ...options.headers } });

/** Starts a sign-in at the app; returns the app's cookie jar (the flow cookie) and the provider URL it sends the browser to. */
async function begin(): Promise<{ appJar: Jar; start: Answer }> {
  const start = await send(app.port, '/auth/sign-in?then=/sessions');
  return { appJar: new Jar().take(start.cookies), start };
}

/** Goes through the provider's login (as `user`) and consent; returns the callback URL it sends the browser back to. */
async function atProvider(location: string, user: string, choice: 'login' | 'abort' = 'login'): Promise<URL> {
  const jar = new Jar();
  let next = new URL(location, issuer);
  for (let step = 0; step < 12; step++) {
    if (next.origin === app.origin) return next;
    const answer = await at(next, { headers: { Cookie: jar.header() } });
    jar.take(answer.cookies);
    if (answer.status >= 300 && answer.status < 400) {
      next = new URL(String(answer.headers.location), next);
      continue;
    }
    assert.is(answer.status, 200, answer.body.slice(0, 500));
    if (choice === 'abort') {
      next = new URL(/href="([^"]*\/abort)"/.exec(answer.body)![1], next);
      continue;
    }
    const { action, fields } = formOf(answer.body);
    const body = new URLSearchParams({ ...fields, ...(fields.prompt === 'login' ? { login: user, password: 'any' } : {}) }).toString();
    const posted = await at(new URL(action, next), { body, headers: { Cookie: jar.header(), 'Content-Type': 'application/x-www-form-urlencoded' } });
    jar.take(posted.cookies);
    assert.ok(posted.status >= 300 && posted.status < 400, `${posted.status} ${posted.body.slice(0, 300)}`);
    next = new URL(String(posted.headers.location), next);
  }
  throw new Error('the provider never sent the browser back');
}

const callback = (url: URL, jar: Jar) => send(app.port, url.pathname + url.search, { headers: { Cookie: jar.header() } });

async function signIn(user: string): Promise<{ jar: Jar; answer: Answer; url: URL; flowJar: Jar }> {
  const { appJar, start } = await begin();
  const url = await atProvider(String(start.headers.location), user);
  const flowJar = new Jar().take(start.cookies);
  const answer = await callback(url, appJar);
  appJar.take(answer.cookies);
  return { jar: appJar, answer, url, flowJar };
}

test('the sign-in goes to the issuer with PKCE (S256), a state and a nonce, bound to the browser by a short Lax flow cookie', async () => {
  const { start } = await begin();
  assert.is(start.status, 303);
  const to = new URL(String(start.headers.location));
  assert.is(to.origin, issuer);
  const q = Object.fromEntries(to.searchParams);
  assert.equal([q.response_type, q.client_id, q.redirect_uri, q.code_challenge_method], ['code', CLIENT_ID, `${app.origin}/auth/callback`, 'S256']);
  assert.match(q.code_challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.state, /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.nonce, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(q.scope.split(' ').sort(), ['email', 'groups', 'openid']);
  assert.match(start.cookies[0], /^octant_exec_oidc=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\/auth\/callback; Max-Age=600$/);
});

test('alice signs in at the real provider and is alice with her groups; the session cookie is Strict and ends with the ID token', async () => {
  const { jar, answer } = await signIn('alice');
  assert.is(answer.status, 200, answer.body);
  assert.match(answer.body, /<meta http-equiv="refresh" content="0;url=\/sessions">/);
  const session = answer.cookies.find((c) => c.startsWith('octant_exec_session='));
  const maxAge = Number(/Max-Age=(\d+)/.exec(session ?? '')?.[1]);
  assert.match(session ?? '', /^octant_exec_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+$/);
  assert.ok(maxAge > 3500 && maxAge <= 3600, `the provider's ID tokens last an hour: ${maxAge}`);
  assert.match(answer.cookies.join('\n'), /octant_exec_oidc=; HttpOnly; SameSite=Lax; Path=\/auth\/callback; Max-Age=0/);
  const info = await send(app.port, '/api/v1/info', { headers: { Cookie: jar.header() } });
  assert.equal(info.json.signedIn, { mode: 'oidc', user: 'alice', groups: ['dev'], admin: false, signOut: '/auth/sign-out' });
  assert.is((await upgrade(app.port, { Cookie: jar.header() })).status, 101);
  const carol = await signIn('carol');
  assert.equal((await send(app.port, '/api/v1/info', { headers: { Cookie: carol.jar.header() } })).json.signedIn, { mode: 'oidc', user: 'carol', groups: ['octant-admins'], admin: true, signOut: '/auth/sign-out' });
});

test('a replayed callback finds no flow; a replayed code in a new sign-in is refused by the provider', async () => {
  const { url, flowJar } = await signIn('alice');
  const replay = await callback(url, flowJar);
  assert.is(replay.status, 400);
  assert.match(replay.body, /expired, was finished already, or was started in another browser/);
  assert.not.ok(replay.cookies.some((c) => /^octant_exec_session=[^;]/.test(c)));
  // a new sign-in (its own state and PKCE verifier) handed the old code
  const { appJar, start } = await begin();
  const injected = new URL(url);
  injected.searchParams.set('state', new URL(String(start.headers.location)).searchParams.get('state')!);
  const answer = await callback(injected, appJar);
  assert.is(answer.status, 401);
  assert.match(answer.body, /refused the sign-in code: invalid_grant/);
  assert.not.ok(warnings.some((w) => w.includes(url.searchParams.get('code')!)), 'the code is not logged');
});

test('a state that is not this browser\'s, a callback without the flow cookie, a provider that says no: refused', async () => {
  const { appJar, start } = await begin();
  const url = await atProvider(String(start.headers.location), 'alice');
  const forged = new URL(url);
  forged.searchParams.set('state', 'x'.repeat(43));
  const mismatch = await callback(forged, appJar);
  assert.is(mismatch.status, 400);
  assert.match(mismatch.body, /does not belong to the sign-in this browser started \(state\)/);
  assert.is((await callback(url, appJar)).status, 400, 'the flow was used up by the failed attempt');
  const other = await begin();
  const elsewhere = await atProvider(String(other.start.headers.location), 'alice');
  assert.is((await callback(elsewhere, new Jar())).status, 400, 'another browser (no flow cookie)');
  const refused = await begin();
  const aborted = await atProvider(String(refused.start.headers.location), 'alice', 'abort');
  const denied = await callback(aborted, refused.appJar);
  assert.is(denied.status, 401);
  assert.match(denied.body, /did not sign you in: access_denied/);
});

test('sign-out ends the session here and points on to the provider\'s end-session page', async () => {
  const { jar } = await signIn('alice');
  const cross = await send(app.port, '/auth/sign-out', { method: 'POST', headers: { Cookie: jar.header(), Origin: 'https://evil.example' } });
  assert.is(cross.status, 403);
  const out = await send(app.port, '/auth/sign-out', { method: 'POST', headers: { Cookie: jar.header(), Origin: app.origin, Accept: 'application/json' } });
  assert.is(out.status, 200);
  assert.is(out.json.signedOut, true);
  const next = new URL(out.json.next);
  assert.is(next.origin, issuer);
  assert.is(next.searchParams.get('client_id'), CLIENT_ID);
  assert.is((await send(app.port, '/api/v1/info', { headers: { Cookie: jar.header() } })).status, 401);
  const page = await send(app.port, '/auth/sign-out', { method: 'POST', headers: { Origin: app.origin } });
  assert.match(page.body, /<meta http-equiv="refresh" content="0;url=http:\/\/127\.0\.0\.1:\d+\/session\/end\?client_id=octant-exec">/);
});

test.run();

// Signing people in to a team-mode test server, each mode as a browser or a proxy would: the
// proxy's headers from its address, a pasted token on the kube-token form, and the OIDC code flow
// through a real OpenID Provider on loopback (the oidc-provider package, its development login
// and consent pages driven with plain HTTP).
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type ProviderType from 'oidc-provider';
import { Jar, formOf, send, type Answer } from './auth-support.ts';

/** What a request carries to be a person, and the address it must come from (the proxy's). */
export interface Credentials {
  headers: Record<string, string>;
  from?: string;
}

/** The sandbox's people and their groups, as a proxy or an issuer tells them. */
export const PEOPLE: Record<string, string[]> = { alice: ['dev'], bob: ['viewers'], carol: ['octant-admins'] };

/** The trusted proxy's address in the tests (every other connection comes from 127.0.0.1). */
export const PROXY_PEER = '127.0.0.2';

export function proxyCredentials(user: string): Credentials {
  return { headers: { 'X-Forwarded-User': user, 'X-Forwarded-Groups': (PEOPLE[user] ?? []).join(',') }, from: PROXY_PEER };
}

export const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

/** An API call (`path` under /api/v1) as `user`, through the trusted proxy, from a page of the app's origin: a JSON `body` makes it a POST. */
export function asProxyPerson(app: { port: number; origin: string }, user: string, path: string, body?: unknown): Promise<Answer> {
  const { headers, from } = proxyCredentials(user);
  const json: Record<string, string> = body !== undefined ? { 'Content-Type': 'application/json' } : {};
  return send(app.port, `/api/v1${path}`, { from, headers: { ...headers, Origin: app.origin, ...json }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

/** Pastes `token` on the kube-token sign-in page; the jar then holds the session cookie (when it was accepted). */
export async function kubeTokenSignIn(port: number, origin: string, token: string, options: { origin?: string; then?: string; from?: string } = {}): Promise<{ answer: Answer; jar: Jar }> {
  const jar = new Jar();
  const from = options.from ? { from: options.from } : {};
  const page = await send(port, `/auth/sign-in?then=${encodeURIComponent(options.then ?? '/')}`, from);
  assert.is(page.status, 200);
  jar.take(page.cookies);
  const { action, fields } = formOf(page.body);
  const answer = await send(port, action, { body: new URLSearchParams({ ...fields, token }).toString(), headers: { ...FORM, Cookie: jar.header(), Origin: options.origin ?? origin }, ...from });
  jar.take(answer.cookies);
  return { answer, jar };
}

/** A real OpenID Provider on loopback for one app: listen first (the app needs the issuer), then serve (the provider needs the app's callback). */
export class TestIssuer {
  static readonly CLIENT_ID = 'octant-exec';
  static readonly SECRET = 'the-client-secret-of-octant-exec';
  readonly #server = createServer();
  readonly #dir = mkdtempSync(join(tmpdir(), 'octant-exec-oidc-'));
  readonly #people: Record<string, string[]>;
  readonly #claims: Record<string, Record<string, unknown>>;
  #app: { port: number; origin: string } | undefined;
  issuer = '';

  /** `people`: more accounts than PEOPLE (their sub is the login name), with their groups; `claims`: some accounts' claims other than the usual */
  constructor(options: { people?: Record<string, string[]>; claims?: Record<string, Record<string, unknown>> } = {}) {
    this.#people = { ...PEOPLE, ...options.people };
    this.#claims = options.claims ?? {};
  }

  /** The file octant-exec reads the client secret from. */
  get secretFile(): string {
    return join(this.#dir, 'secret');
  }

  async listen(): Promise<this> {
    writeFileSync(this.secretFile, `${TestIssuer.SECRET}\n`, { mode: 0o600 });
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async serve(app: { port: number; origin: string }): Promise<void> {
    this.#app = app;
    // oidc-provider warns, on import and construction, about the development defaults wanted here
    // (an in-memory store, its own login pages, Node 20): those lines are kept out of the output.
    const people = this.#people;
    const claims = this.#claims;
    const { default: Provider } = await quietly(() => import('oidc-provider'));
    const provider: ProviderType = await quietly(async () => new Provider(this.issuer, {
      clients: [{ client_id: TestIssuer.CLIENT_ID, client_secret: TestIssuer.SECRET, redirect_uris: [`${app.origin}/auth/callback`], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' }],
      async findAccount(_ctx, id) {
        if (!(id in people)) return undefined;
        return { accountId: id, claims: async () => ({ sub: id, email: `${id}@example.com`, email_verified: true, groups: people[id], ...claims[id] }) };
      },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
      scopes: ['openid', 'email', 'groups'],
      // the claims the scopes ask for go into the ID token, where octant-exec (like kube-apiserver) reads them
      conformIdTokenClaims: false,
      cookies: { keys: ['a-key-for-the-test-provider-cookies'] },
      features: { devInteractions: { enabled: true } },
      // ID tokens of 5 minutes, as Keycloak issues them: a session must not end with them
      ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 300 },
    }));
    this.#server.on('request', provider.callback());
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    rmSync(this.#dir, { recursive: true, force: true });
  }

  /** Starts a sign-in at the app; the app's jar (the flow cookie) and its answer, which sends the browser to the provider. */
  async begin(from?: string): Promise<{ appJar: Jar; start: Answer }> {
    const start = await send(this.#served.port, '/auth/sign-in?then=/sessions', from ? { from } : {});
    return { appJar: new Jar().take(start.cookies), start };
  }

  /** Through the provider's login (as `user`) and consent; the callback URL it sends the browser back to. */
  async atProvider(location: string, user: string, choice: 'login' | 'abort' = 'login'): Promise<URL> {
    const jar = new Jar();
    let next = new URL(location, this.issuer);
    for (let step = 0; step < 12; step++) {
      if (next.origin === this.#served.origin) return next;
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
      const posted = await at(new URL(action, next), { body, headers: { Cookie: jar.header(), ...FORM } });
      jar.take(posted.cookies);
      assert.ok(posted.status >= 300 && posted.status < 400, `${posted.status} ${posted.body.slice(0, 300)}`);
      next = new URL(String(posted.headers.location), next);
    }
    throw new Error('the provider never sent the browser back');
  }

  callback(url: URL, jar: Jar, from?: string): Promise<Answer> {
    return send(this.#served.port, url.pathname + url.search, { headers: { Cookie: jar.header() }, ...(from ? { from } : {}) });
  }

  /** The whole flow as `user` (from the address `from`, else 127.0.0.1); the jar then holds the session cookie. */
  async signIn(user: string, from?: string): Promise<{ jar: Jar; answer: Answer; url: URL; flowJar: Jar }> {
    const { appJar, start } = await this.begin(from);
    const url = await this.atProvider(String(start.headers.location), user);
    const flowJar = new Jar().take(start.cookies);
    const answer = await this.callback(url, appJar, from);
    appJar.take(answer.cookies);
    return { jar: appJar, answer, url, flowJar };
  }

  get #served(): { port: number; origin: string } {
    if (!this.#app) throw new Error('serve(app) first');
    return this.#app;
  }
}

const at = (url: URL, options: Parameters<typeof send>[2] = {}) => send(Number(url.port), url.pathname + url.search, { ...options, headers: { Host: url.host, ...options.headers } });

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

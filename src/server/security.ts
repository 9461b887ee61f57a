// The server's front door (SECURITY.md items 2, 3 and 7): a per-launch token compared in constant
// time, a session cookie traded for it once, a Host allowlist against DNS rebinding, an Origin
// check on every socket upgrade, and the headers every answer carries. Nothing here logs, and
// nothing here ever puts the token anywhere but the cookie it sets. The team modes (auth/) use the
// Host and Origin checks and the headers; the token is local mode's (auth/local-auth.ts).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';

/** 256 bits from the CSPRNG (SECURITY.md asks for at least 128). */
const TOKEN_BYTES = 32;
export const COOKIE_NAME = 'octant_exec_session';
/** Query parameters that look like a credential: an API call carrying one is refused outright. */
const CREDENTIAL_PARAMS = ['token', 'access_token', 'auth', 'authorization', 'key'];

export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Constant-time equality: both sides hashed first, so neither length nor content leaks through timing. */
export function sameSecret(given: string, secret: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(secret));
}

export type AuthProblem = 'missing' | 'wrong' | 'tokenInQuery';

export interface FrontDoorOptions {
  token: string;
  /** the port the server listens on (the Host allowlist needs it) */
  port: number;
  /** extra host names (with or without :port) the Host header may carry, e.g. for --allow-remote */
  hostNames?: string[];
  /** origins allowed to frame /embed and open sockets from it, e.g. Octant's http://127.0.0.1:7777 */
  embedOrigins?: string[];
  /**
   * origins people reach the server at through a proxy or an Ingress (https://exec.example.com):
   * the Host they carry (as the browser sends it, without a default port) and the origin itself are allowed
   */
  publicOrigins?: string[];
}

/**
 * Local mode's session cookie name, after the token: a browser keeps cookies apart by host and
 * path but not by port (RFC 6265 8.5), so two servers on one machine, each with its own token,
 * would each replace the other's; servers sharing a --token-file (replicas behind one address,
 * a restart on another port) share the name, and take each other's sign-in.
 */
export function localCookieName(token: string): string {
  return `${COOKIE_NAME}_${createHash('sha256').update(`octant-exec cookie name\0${token}`).digest('base64url').slice(0, 12)}`;
}

/** Every check of a request against the launch's secrets and names, in one place. */
export class FrontDoor {
  readonly token: string;
  readonly embedOrigins: readonly string[];
  /** people reach it over https (a public origin of https): its cookies are Secure, never sent over plain http */
  readonly secure: boolean;
  /** the session cookie's name (localCookieName) */
  readonly cookieName: string;
  /** what a request whose Host is not allowed is told: where people do reach this server */
  readonly hostRefusal: string;
  readonly #hosts: Set<string>;
  readonly #origins: Set<string>;

  constructor(options: FrontDoorOptions) {
    this.token = options.token;
    this.embedOrigins = (options.embedOrigins ?? []).map(normalizeOrigin);
    this.secure = (options.publicOrigins ?? []).some((origin) => origin.startsWith('https:'));
    this.cookieName = localCookieName(options.token);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'];
    const named = (options.hostNames ?? []).map((name) => name.toLowerCase());
    this.#hosts = new Set([...loopback, ...named].map((name) => (/:\d+$/.test(name) && !name.endsWith(']') ? name : `${name}:${options.port}`)));
    // a browser leaves the default port out of an Origin (and out of Host: hostAllowed)
    this.#origins = new Set([...[...this.#hosts].map((host) => `http://${host.replace(/:80$/, '')}`), ...this.embedOrigins]);
    const publicOrigins = (options.publicOrigins ?? []).map((text) => new URL(text).origin);
    this.hostRefusal = publicOrigins.length
      ? `This Host is not allowed: open octant-exec at ${publicOrigins.join(' or ')}.`
      : 'This Host is not allowed: open octant-exec through the URL it printed (127.0.0.1 or localhost).';
    for (const origin of (options.publicOrigins ?? []).map((text) => new URL(text))) {
      this.#hosts.add(origin.host.toLowerCase());
      this.#origins.add(origin.origin);
    }
  }

  /** DNS rebinding: a page on evil.example that resolves to 127.0.0.1 still sends Host: evil.example. */
  hostAllowed(host: string | undefined): boolean {
    if (!host) return false;
    const name = host.toLowerCase();
    return this.#hosts.has(name) || (!/:\d+$/.test(name) && this.#hosts.has(`${name}:80`));
  }

  /** A socket upgrade must come from the app's own page or a configured embedder; no Origin at all is refused too. */
  originAllowed(origin: string | undefined): boolean {
    // as a browser serializes it (scheme://host[:port], lowercase, nothing after): anything else is no page's Origin
    return origin !== undefined && this.#origins.has(origin);
  }

  /** Who may call the API: the session cookie or an `Authorization: Bearer` header, never a query string. */
  authenticate(req: IncomingMessage): AuthProblem | undefined {
    if (credentialInQuery(new URL(req.url ?? '/', 'http://x'))) return 'tokenInQuery';
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    const cookie = cookieValue(req.headers.cookie, this.cookieName);
    const given = bearer ?? cookie;
    if (given === undefined) return 'missing';
    return sameSecret(given, this.token) ? undefined : 'wrong';
  }

  /** The Set-Cookie header value that keeps the token after the page traded it once. */
  sessionCookie(): string {
    return `${this.cookieName}=${this.token}; HttpOnly; SameSite=Strict; Path=/${this.secure ? '; Secure' : ''}`;
  }
}

/** Whether the query has a parameter named like a credential: such a call is refused whatever else it carries (query strings end up in logs). */
export function credentialInQuery(url: URL): boolean {
  for (const name of url.searchParams.keys()) if (CREDENTIAL_PARAMS.includes(name.toLowerCase())) return true;
  return false;
}

function normalizeOrigin(origin: string): string {
  const url = new URL(origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`origin ${origin} is not http(s)`);
  return url.origin;
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Words for each refusal: said to the client, never with the value it sent. */
export const authMessages: Record<AuthProblem, string> = {
  missing: 'Authentication required: open the URL octant-exec printed, which carries its token after #token= (a --token-file\'s token is never in it: give the file\'s in the page\'s Token field), or send Authorization: Bearer TOKEN.',
  wrong: 'The token is not valid for this server (a restart makes a per-launch token useless; a --token-file\'s lasts until the file changes): open the URL octant-exec printed last, or give the token in its --token-file.',
  tokenInQuery: 'A token in a query string is refused (query strings end up in logs): send the cookie or Authorization: Bearer TOKEN.',
};

/**
 * Headers for every answer. The page may be framed only at /embed, and only by configured
 * embedders; everything else refuses every frame. No CORS headers, ever.
 */
export function securityHeaders(path: string, embedOrigins: readonly string[]): OutgoingHttpHeaders {
  const embeddable = path === '/embed' || path.startsWith('/embed/');
  const ancestors = embeddable && embedOrigins.length ? embedOrigins.join(' ') : "'none'";
  // wasm-unsafe-eval: the recordings player (asciinema-player) interprets casts in WebAssembly it
  // compiles from its own bundled bytes; it lets the page compile WebAssembly, never run eval().
  // Only the app's own pages can reach the player (it navigates in the page, so any of them may):
  // never the API, a share link's page or the embed.
  const playsCasts = !embeddable && path !== '/share' && !path.startsWith('/share/') && !path.startsWith('/api/');
  return {
    'Content-Security-Policy': `default-src 'self'; script-src 'self'${playsCasts ? " 'wasm-unsafe-eval'" : ''}; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors ${ancestors}`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...(embeddable ? {} : { 'X-Frame-Options': 'DENY' }),
  };
}

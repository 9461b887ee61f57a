// The OpenID provider's discovery document (OpenID Connect Discovery 1.0): where to send people,
// where to trade the code, where its keys are. Its `issuer` must be exactly the configured one
// (section 4.3), else tokens from it would not verify anyway and something is misconfigured or
// impersonated. Fetched at the first sign-in, not at start: a provider down while the server
// starts makes sign-in wait, not the server; kept a day, fetched again after a failure.
import { IssuerUnreachable, issuerFetch } from './issuer-fetch.ts';

export interface Discovery {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  endSessionEndpoint: string | null;
  /** the scopes the provider lists; empty when it lists none */
  scopes: string[];
}

const KEEP_MS = 24 * 3600_000;

export class DiscoveryCache {
  #current: { at: number; discovery: Promise<Discovery> } | undefined;

  constructor(
    readonly issuer: string,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<Discovery> {
    if (!this.#current || this.now() - this.#current.at > KEEP_MS) {
      const discovery = discover(this.issuer);
      this.#current = { at: this.now(), discovery };
      discovery.catch(() => {
        if (this.#current?.discovery === discovery) this.#current = undefined;
      });
    }
    return this.#current.discovery;
  }

  /** The document if it was fetched already (sign-out does not wait for the provider). */
  async known(): Promise<Discovery | undefined> {
    return this.#current ? this.#current.discovery.catch(() => undefined) : undefined;
  }
}

async function discover(issuer: string): Promise<Discovery> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const { status, json } = await issuerFetch(url, "the OpenID provider's discovery document");
  if (status !== 200 || typeof json !== 'object' || json === null) throw new IssuerUnreachable(`the discovery document at ${url} answered HTTP ${status}: check --oidc-issuer`);
  const doc = json as Record<string, unknown>;
  if (doc.issuer !== issuer) throw new IssuerUnreachable(`the discovery document at ${url} names another issuer than --oidc-issuer ${issuer}: give exactly the issuer it names`);
  const endpoint = (name: string, required: boolean): string | null => {
    const value = doc[name];
    if (typeof value === 'string' && isHttpUrl(value, issuer)) return value;
    if (required) throw new IssuerUnreachable(`the discovery document at ${url} has no usable ${name}`);
    return null;
  };
  const methods = doc.code_challenge_methods_supported;
  if (Array.isArray(methods) && !methods.includes('S256')) throw new IssuerUnreachable(`the OpenID provider ${issuer} does not offer PKCE with S256, which octant-exec requires`);
  return {
    issuer,
    authorizationEndpoint: endpoint('authorization_endpoint', true)!,
    tokenEndpoint: endpoint('token_endpoint', true)!,
    jwksUri: endpoint('jwks_uri', true)!,
    endSessionEndpoint: endpoint('end_session_endpoint', false),
    scopes: Array.isArray(doc.scopes_supported) ? doc.scopes_supported.filter((s): s is string => typeof s === 'string') : [],
  };
}

/** https, or http when the issuer itself is http (a provider on loopback, in development). */
function isHttpUrl(value: string, issuer: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && new URL(issuer).protocol === 'http:');
  } catch {
    return false;
  }
}

// The OpenID provider's signing keys (its JWKS), kept between sign-ins. A token signed with a key
// we do not have (the provider rotated) makes us fetch them again, but at most every 30 s: a
// stream of tokens with made-up key ids cannot turn us into a load generator against the provider.
import type { JsonWebKey } from 'node:crypto';
import { IssuerUnreachable, issuerFetch } from './issuer-fetch.ts';

export const REFETCH_AFTER_MS = 30_000;
const MAX_KEYS = 100;

/** What the token's header says about its key. */
export interface KeyWanted {
  kid?: string;
  alg: string;
  /** the key type the algorithm needs: RSA or EC */
  kty: 'RSA' | 'EC';
}

export class JwksCache {
  #keys: JsonWebKey[] | undefined;
  #fetchedAt = -Infinity;
  #loading: Promise<JsonWebKey[]> | undefined;

  constructor(
    private readonly jwksUri: () => Promise<string>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The one key that fits, or undefined (none fits, even after fetching again, or several do). */
  async key(wanted: KeyWanted): Promise<JsonWebKey | undefined> {
    const found = pick(this.#keys ?? (await this.#load()), wanted);
    if (found || this.now() - this.#fetchedAt < REFETCH_AFTER_MS) return found;
    return pick(await this.#load(), wanted);
  }

  #load(): Promise<JsonWebKey[]> {
    this.#loading ??= (async () => {
      try {
        const url = await this.jwksUri();
        this.#fetchedAt = this.now(); // a failed fetch counts too: it is not retried at once
        const { status, json } = await issuerFetch(url, "the OpenID provider's signing keys (JWKS)");
        const keys = (json as { keys?: unknown })?.keys;
        if (status !== 200 || !Array.isArray(keys)) throw new IssuerUnreachable(`the provider's JWKS answered HTTP ${status} without a key list`);
        this.#keys = keys.filter((key): key is JsonWebKey => typeof key === 'object' && key !== null).slice(0, MAX_KEYS);
        return this.#keys;
      } finally {
        this.#loading = undefined;
      }
    })();
    return this.#loading;
  }
}

function pick(keys: JsonWebKey[], wanted: KeyWanted): JsonWebKey | undefined {
  const fits = keys.filter((key) => key.kty === wanted.kty && (key.use === undefined || key.use === 'sig') && (key.alg === undefined || key.alg === wanted.alg) && (wanted.kid === undefined || key.kid === wanted.kid));
  // Without a kid the key must be unambiguous; with one, a provider listing it twice is broken.
  return fits.length === 1 ? fits[0] : undefined;
}

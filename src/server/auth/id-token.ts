// The ID token check (OpenID Connect Core 1.0, 3.1.3.7), with node:crypto and nothing else:
// - the signature first, with RS256 or ES256 only, by a key of the provider's JWKS of the type the
//   algorithm needs: `alg: none` and the HMAC algorithms are refused outright (an HS256 token
//   "signed" with the provider's public key is the classic forgery);
// - then the claims: `iss` exactly the issuer, our client id in `aud` (and in `azp` when there
//   are several audiences, or when azp is present at all), `exp`, `iat` and `nbf` against the clock
//   with a small skew, and the `nonce` this browser's sign-in was given.
// Every refusal is an IdTokenRejected whose sentence never quotes the token.
import { Buffer } from 'node:buffer';
import { createPublicKey, timingSafeEqual, verify, type JsonWebKey } from 'node:crypto';
import type { KeyWanted } from './jwks.ts';
import { fromBase64urlJson } from './base64url-json.ts';

/** Clocks of the provider and this server may differ this much. */
export const SKEW_SECONDS = 30;
const MAX_TOKEN_LENGTH = 64 * 1024;

const ALGORITHMS: Record<string, { kty: 'RSA' | 'EC'; crv?: string; signatureBytes?: number }> = {
  RS256: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256', signatureBytes: 64 },
};

export class IdTokenRejected extends Error {}

export interface Expected {
  issuer: string;
  clientId: string;
  nonce: string;
  /** milliseconds, as Date.now */
  now: number;
}

export type IdTokenClaims = Record<string, unknown> & { sub: string; exp: number };

export async function verifyIdToken(token: string, expected: Expected, findKey: (wanted: KeyWanted) => Promise<JsonWebKey | undefined>): Promise<IdTokenClaims> {
  if (token.length > MAX_TOKEN_LENGTH) throw new IdTokenRejected('The ID token is too long.');
  const parts = token.split('.');
  if (parts.length !== 3) throw new IdTokenRejected('The ID token is not a signed JWT (three parts).');
  const header = decodeJson(parts[0], 'header');
  const alg = header.alg;
  if (typeof alg !== 'string' || !(alg in ALGORITHMS)) {
    throw new IdTokenRejected(`The ID token is signed with ${typeof alg === 'string' ? JSON.stringify(alg.slice(0, 20)) : 'no algorithm'}; octant-exec accepts only ${Object.keys(ALGORITHMS).join(' and ')}.`);
  }
  const algorithm = ALGORITHMS[alg];
  if (header.kid !== undefined && typeof header.kid !== 'string') throw new IdTokenRejected('The ID token header has a kid that is not a string.');
  const jwk = await findKey({ alg, kty: algorithm.kty, ...(header.kid !== undefined ? { kid: header.kid as string } : {}) });
  if (!jwk || (algorithm.crv && jwk.crv !== algorithm.crv)) throw new IdTokenRejected("The ID token was signed with a key the provider does not list (its JWKS): it is not the provider's.");
  let key;
  try {
    key = createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    throw new IdTokenRejected("The provider's signing key cannot be read.");
  }
  const type = key.asymmetricKeyType;
  if ((algorithm.kty === 'RSA' && (type !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)) || (algorithm.kty === 'EC' && type !== 'ec')) {
    throw new IdTokenRejected("The provider's signing key is not one octant-exec accepts (RSA of at least 2048 bits, or EC P-256).");
  }
  const signature = Buffer.from(parts[2], 'base64url');
  if (algorithm.signatureBytes && signature.length !== algorithm.signatureBytes) throw new IdTokenRejected('The ID token signature is not valid.');
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  const good = algorithm.kty === 'EC' ? verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, signature) : verify('sha256', signed, key, signature);
  if (!good) throw new IdTokenRejected('The ID token signature is not valid.');
  const claims = decodeJson(parts[1], 'payload');
  checkClaims(claims, expected);
  return claims as IdTokenClaims;
}

function checkClaims(claims: Record<string, unknown>, expected: Expected): void {
  if (claims.iss !== expected.issuer) throw new IdTokenRejected('The ID token was issued by another issuer than --oidc-issuer.');
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (!audiences.includes(expected.clientId)) throw new IdTokenRejected('The ID token is not meant for this client (its aud does not name --oidc-client-id).');
  if ((audiences.length > 1 || claims.azp !== undefined) && claims.azp !== expected.clientId) {
    throw new IdTokenRejected('The ID token names several audiences but was not issued to this client (azp).');
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new IdTokenRejected('The ID token has no subject (sub).');
  const now = expected.now / 1000;
  if (typeof claims.exp !== 'number') throw new IdTokenRejected('The ID token has no expiry (exp).');
  if (now > claims.exp + SKEW_SECONDS) throw new IdTokenRejected('The ID token has expired: sign in again (if this keeps happening, check the clocks).');
  if (typeof claims.iat !== 'number' || claims.iat > now + SKEW_SECONDS) throw new IdTokenRejected('The ID token has no issue time (iat) or one in the future: check the clocks.');
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now + SKEW_SECONDS)) throw new IdTokenRejected('The ID token is not valid yet (nbf): check the clocks.');
  if (typeof claims.nonce !== 'string' || !sameText(claims.nonce, expected.nonce)) {
    throw new IdTokenRejected('The ID token does not belong to the sign-in this browser started (nonce): sign in again.');
  }
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  const value = fromBase64urlJson(part);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new IdTokenRejected(`The ID token's ${what} is not a JSON object.`);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

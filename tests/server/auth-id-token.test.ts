// The ID token check against forged tokens, made here with node:crypto and handed to the verifier
// directly: each attack is refused with its own sentence, and a token signed right passes. Then
// the signing keys' cache: a key it lacks makes it fetch again, but not more than every 30 s.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Buffer } from 'node:buffer';
import { createHmac, generateKeyPairSync, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IdTokenRejected, verifyIdToken, type Expected } from '../../src/server/auth/id-token.ts';
import { JwksCache, REFETCH_AFTER_MS, type KeyWanted } from '../../src/server/auth/jwks.ts';

const issuer = 'https://login.example.com';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwks: JsonWebKey[] = [
  { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', use: 'sig', alg: 'RS256' },
  { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', use: 'sig' },
  { ...weak.publicKey.export({ format: 'jwk' }), kid: 'weak', use: 'sig' },
];
const findKey = async (wanted: KeyWanted) => {
  const fits = jwks.filter((key) => key.kty === wanted.kty && (key.alg === undefined || key.alg === wanted.alg) && (wanted.kid === undefined || key.kid === wanted.kid));
  return fits.length === 1 ? fits[0] : undefined;
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function jwt(header: Record<string, unknown>, claims: Record<string, unknown>, key?: KeyObject): string {
  const data = `${b64(header)}.${b64(claims)}`;
  const signature = !key ? Buffer.alloc(0) : header.alg === 'ES256' ? sign('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' }) : sign('sha256', Buffer.from(data), key);
  return `${data}.${signature.toString('base64url')}`;
}

const now = Date.now();
const seconds = Math.floor(now / 1000);
const expected: Expected = { issuer, clientId: 'octant-exec', nonce: 'the-nonce', now };
const good = { iss: issuer, aud: 'octant-exec', sub: 'alice', email: 'alice@example.com', groups: ['dev'], exp: seconds + 600, iat: seconds, nonce: 'the-nonce' };
const rs = { alg: 'RS256', kid: 'rsa-1', typ: 'JWT' };

async function refused(token: string, pattern: RegExp, what: string): Promise<void> {
  try {
    await verifyIdToken(token, expected, findKey);
  } catch (error) {
    assert.instance(error, IdTokenRejected, what);
    assert.match((error as Error).message, pattern, what);
    assert.not.ok((error as Error).message.includes(token.split('.')[1]), `${what}: the token is not quoted`);
    return;
  }
  assert.unreachable(`${what}: accepted`);
}

test('a token signed right (RS256 or ES256) with the right claims passes', async () => {
  assert.is((await verifyIdToken(jwt(rs, good, rsa.privateKey), expected, findKey)).sub, 'alice');
  assert.is((await verifyIdToken(jwt({ alg: 'ES256', kid: 'ec-1' }, good, ec.privateKey), expected, findKey)).sub, 'alice');
  const several = { ...good, aud: ['octant-exec', 'another'], azp: 'octant-exec' };
  assert.is((await verifyIdToken(jwt(rs, several, rsa.privateKey), expected, findKey)).sub, 'alice');
  const skewed = { ...good, exp: seconds - 10, iat: seconds + 10 };
  assert.is((await verifyIdToken(jwt(rs, skewed, rsa.privateKey), expected, findKey)).sub, 'alice', 'within the clock skew');
});

test('forged: wrong audience, wrong issuer, bad signature, expired, alg none, HS256 with the public key: refused', async () => {
  await refused(jwt(rs, { ...good, aud: 'someone-else' }, rsa.privateKey), /not meant for this client/, 'wrong aud');
  await refused(jwt(rs, { ...good, aud: ['someone-else', 'octant-exec'] }, rsa.privateKey), /several audiences/, 'several audiences without azp');
  await refused(jwt(rs, { ...good, aud: ['octant-exec', 'x'], azp: 'x' }, rsa.privateKey), /several audiences/, 'azp of another client');
  await refused(jwt(rs, { ...good, iss: 'https://evil.example.com' }, rsa.privateKey), /another issuer/, 'wrong iss');
  const [head, , signature] = jwt(rs, good, rsa.privateKey).split('.');
  await refused(`${head}.${b64({ ...good, sub: 'carol' })}.${signature}`, /signature is not valid/, 'payload changed after signing');
  await refused(jwt(rs, good, other.privateKey), /signature is not valid/, 'signed by another key under the provider\'s kid');
  await refused(jwt({ alg: 'ES256', kid: 'ec-1' }, good, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey), /signature is not valid/, 'ES256 by another key');
  await refused(jwt(rs, { ...good, exp: seconds - 120, iat: seconds - 3720 }, rsa.privateKey), /expired/, 'expired');
  await refused(jwt({ alg: 'none' }, good), /accepts only RS256 and ES256/, 'alg none');
  await refused(`${b64({ alg: 'none' })}.${b64(good)}.`, /accepts only/, 'alg none, empty signature');
  const pem = rsa.publicKey.export({ format: 'pem', type: 'spki' });
  const data = `${b64({ alg: 'HS256', kid: 'rsa-1' })}.${b64(good)}`;
  await refused(`${data}.${createHmac('sha256', pem).update(data).digest('base64url')}`, /accepts only/, 'HS256 keyed with the public key');
  await refused(jwt({ alg: 'RS256', kid: 'unknown' }, good, rsa.privateKey), /key the provider does not list/, 'unknown kid');
  await refused(jwt({ alg: 'ES256', kid: 'rsa-1' }, good, ec.privateKey), /key the provider does not list/, 'an EC signature claiming the RSA key');
  await refused(jwt({ alg: 'RS256', kid: 'weak' }, good, weak.privateKey), /RSA of at least 2048 bits/, 'a 1024-bit key');
});

test('forged: nonce mismatch or missing, not yet valid, issued in the future, no subject, not a JWT: refused', async () => {
  await refused(jwt(rs, { ...good, nonce: 'another-sign-in' }, rsa.privateKey), /nonce/, 'nonce mismatch');
  const { nonce: _, ...noNonce } = good;
  await refused(jwt(rs, noNonce, rsa.privateKey), /nonce/, 'no nonce');
  await refused(jwt(rs, { ...good, nbf: seconds + 600 }, rsa.privateKey), /not valid yet/, 'nbf in the future');
  await refused(jwt(rs, { ...good, iat: seconds + 600 }, rsa.privateKey), /issue time/, 'iat in the future');
  await refused(jwt(rs, { ...good, sub: '' }, rsa.privateKey), /subject/, 'no sub');
  await refused(jwt(rs, { ...good, exp: 'tomorrow' }, rsa.privateKey), /expiry/, 'exp not a number');
  await refused('not-a-jwt', /three parts/, 'one part');
  await refused(`${Buffer.from('[1]').toString('base64url')}.${b64(good)}.x`, /header is not a JSON object/, 'a header that is an array');
  await refused('x'.repeat(70_000), /too long/, 'a huge token');
});

test('the signing keys: fetched once, again for a key id not seen, but at most every 30 s', async () => {
  let fetches = 0;
  let keys: JsonWebKey[] = [jwks[0]];
  const server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let clock = 1_000_000;
  const cache = new JwksCache(async () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`, () => clock);
  try {
    assert.is((await cache.key({ kid: 'rsa-1', alg: 'RS256', kty: 'RSA' }))?.kid, 'rsa-1');
    assert.is((await cache.key({ kid: 'rsa-1', alg: 'RS256', kty: 'RSA' }))?.kid, 'rsa-1');
    assert.is(fetches, 1);
    assert.is(await cache.key({ kid: 'made-up', alg: 'RS256', kty: 'RSA' }), undefined);
    assert.is(await cache.key({ kid: 'made-up-2', alg: 'RS256', kty: 'RSA' }), undefined);
    assert.is(fetches, 1, 'an unknown kid right after a fetch fetches nothing');
    keys = [jwks[0], jwks[1]]; // the provider rotates in a key
    clock += REFETCH_AFTER_MS + 1;
    const [a, b] = await Promise.all([cache.key({ kid: 'ec-1', alg: 'ES256', kty: 'EC' }), cache.key({ kid: 'ec-1', alg: 'ES256', kty: 'EC' })]);
    assert.equal([a?.kid, b?.kid], ['ec-1', 'ec-1']);
    assert.is(fetches, 2, 'one fetch for both');
    assert.equal(await cache.key({ alg: 'RS256', kty: 'RSA' }), jwks[0], 'no kid: the one RSA key');
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // fetch keeps its connection alive
    });
  }
});

test.run();

// A replica's voucher for a caller: good at the replica it was made for, for exactly the request it
// was made for, for a minute on the clock the replicas share; anything else is simply not a voucher.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { ReplicaAuth, REPLICA_HEADER_MS } from '../../src/server/replicas/replica-auth.ts';
import { derivedKey } from '../../src/server/replicas/derived-key.ts';
import type { Caller } from '../../src/server/caller.ts';

const key = new Uint8Array(32).fill(3);
const alice: Caller = { mode: 'oidc', person: { user: 'alice', groups: ['dev'] }, admin: false, signOut: '/auth/sign-out' };
const path = '/api/v1/sessions/abc123-t1/close';

test('a voucher carries the caller to another replica, for that request only', () => {
  let shared = 1_000_000;
  const a = new ReplicaAuth(key, 'oidc', () => shared, 'abc123');
  const b = new ReplicaAuth(key, 'oidc', () => shared, 'def456');
  const header = a.sign('def456', alice, 'POST', path);
  const vouched = b.check(header, 'POST', path);
  assert.equal(vouched, { from: 'abc123', caller: { mode: 'oidc', person: alice.person, admin: false, signOut: null, via: 'abc123' } });
  assert.is(b.check(header, 'POST', path), undefined, 'used once: a copy is refused');
  const again = a.sign('def456', alice, 'POST', path);
  assert.is(b.check(again, 'GET', path), undefined, 'another method');
  assert.is(b.check(again, 'POST', '/api/v1/sessions/abc123-t2/close'), undefined, 'another path');
  shared += REPLICA_HEADER_MS;
  assert.is(b.check(a.sign('def456', alice, 'POST', path), 'POST', path) !== undefined, true, 'a fresh one is good');
  const stale = new ReplicaAuth(key, 'oidc', () => shared - REPLICA_HEADER_MS, 'abc123').sign('def456', alice, 'POST', path);
  assert.is(b.check(stale, 'POST', path), undefined, 'expired on the shared clock');
  const future = new ReplicaAuth(key, 'oidc', () => shared + 10 * 60_000, 'abc123').sign('def456', alice, 'POST', path);
  assert.is(b.check(future, 'POST', path), undefined, 'good for longer than a voucher lives: refused');
  // made for B: a copy taken on the pod network is nothing at a third replica, nor back at A
  const forB = a.sign('def456', alice, 'POST', path);
  for (const elsewhere of [new ReplicaAuth(key, 'oidc', () => shared, 'ghi789'), a]) assert.is(elsewhere.check(forB, 'POST', path), undefined);
  assert.ok(b.check(forB, 'POST', path), 'and good at B');
});

test('a share link\'s browser stays limited to its share at the other replica (a local caller without it would own everything)', () => {
  const a = new ReplicaAuth(key, 'local', () => 1_000, 'abc123');
  const b = new ReplicaAuth(key, 'local', () => 1_000, 'def456');
  const link: Caller = { mode: 'local', admin: false, signOut: null, share: { shareId: 'sAbc' } };
  assert.equal(b.check(a.sign('def456', link, 'GET', path), 'GET', path)?.caller, { mode: 'local', share: { shareId: 'sAbc' }, admin: false, signOut: null, via: 'abc123' });
});

test('anything else is not a voucher: forged, another key, truncated, over-long, a person of the wrong shape', () => {
  const now = () => 1_000;
  const a = new ReplicaAuth(key, 'oidc', now, 'abc123');
  const b = new ReplicaAuth(key, 'oidc', now, 'def456');
  const header = a.sign('def456', alice, 'POST', path);
  const [body, mac] = header.split('.');
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), admin: true })).toString('base64url');
  for (const bad of [`${forged}.${mac}`, new ReplicaAuth(new Uint8Array(32).fill(4), 'oidc', now, 'abc123').sign('def456', alice, 'POST', path), body, `${header}.x`, header.slice(0, -2), 'x'.repeat(5000), '', undefined, [header, header]]) {
    assert.is(b.check(bad as string, 'POST', path), undefined, String(bad).slice(0, 40));
  }
  const odd = new ReplicaAuth(key, 'oidc', now, 'abc123').sign('def456', { ...alice, person: { user: '', groups: [] } }, 'POST', path);
  assert.is(b.check(odd, 'POST', path), undefined, 'an empty user name');
  assert.throws(() => new ReplicaAuth(new Uint8Array(16), 'oidc', now, 'abc123'), /at least 32 bytes/);
});

test('keys derived for different purposes differ: a voucher key never signs a sign-in cookie', () => {
  const shared = new Uint8Array(32).fill(9);
  assert.not.equal(Buffer.from(derivedKey(shared, 'replica voucher')).toString('hex'), Buffer.from(derivedKey(shared, 'sign-in sessions')).toString('hex'));
  assert.is(derivedKey(shared, 'replica voucher').length, 32);
});

test.run();

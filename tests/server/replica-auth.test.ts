// A replica's voucher for a caller: good at the replica it was made for, for exactly the request it
// was made for, for a minute on the clock the replicas share; anything else is simply not a voucher,
// and the server log says why when it was signed with the shared key (one that was not is anyone's
// to send: a line for each would let them fill the log). Whoever can sign in can be vouched for: a person with as many groups,
// as long, as a sign-in takes (a proxy's 100 groups of 256 characters).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { MAX_VOUCHER_LENGTH, ReplicaAuth, REPLICA_HEADER_MS } from '../../src/server/replicas/replica-auth.ts';
import { derivedKey } from '../../src/server/replicas/derived-key.ts';
import type { Caller } from '../../src/server/caller.ts';
import { MAX_GROUPS, MAX_NAME_LENGTH } from '../../src/server/auth/person-names.ts';

const key = new Uint8Array(32).fill(3);
const alice: Caller = { mode: 'oidc', person: { user: 'alice', groups: ['dev'] }, admin: false, signOut: '/auth/sign-out' };
const path = '/api/v1/sessions/abc123-t1/close';
const quiet = () => {};

test('a voucher carries the caller to another replica, for that request only', () => {
  let shared = 1_000_000;
  const a = new ReplicaAuth(key, 'oidc', () => shared, 'abc123', quiet);
  const b = new ReplicaAuth(key, 'oidc', () => shared, 'def456', quiet);
  const header = a.sign('def456', alice, 'POST', path);
  const vouched = b.check(header, 'POST', path);
  assert.equal(vouched, { from: 'abc123', caller: { mode: 'oidc', person: alice.person, admin: false, signOut: null, via: 'abc123' } });
  assert.is(b.check(header, 'POST', path), undefined, 'used once: a copy is refused');
  const again = a.sign('def456', alice, 'POST', path);
  assert.is(b.check(again, 'GET', path), undefined, 'another method');
  assert.is(b.check(again, 'POST', '/api/v1/sessions/abc123-t2/close'), undefined, 'another path');
  shared += REPLICA_HEADER_MS;
  assert.is(b.check(a.sign('def456', alice, 'POST', path), 'POST', path) !== undefined, true, 'a fresh one is good');
  const stale = new ReplicaAuth(key, 'oidc', () => shared - REPLICA_HEADER_MS, 'abc123', quiet).sign('def456', alice, 'POST', path);
  assert.is(b.check(stale, 'POST', path), undefined, 'expired on the shared clock');
  const future = new ReplicaAuth(key, 'oidc', () => shared + 10 * 60_000, 'abc123', quiet).sign('def456', alice, 'POST', path);
  assert.is(b.check(future, 'POST', path), undefined, 'good for longer than a voucher lives: refused');
  // made for B: a copy taken on the pod network is nothing at a third replica, nor back at A
  const forB = a.sign('def456', alice, 'POST', path);
  for (const elsewhere of [new ReplicaAuth(key, 'oidc', () => shared, 'ghi789', quiet), a]) assert.is(elsewhere.check(forB, 'POST', path), undefined);
  assert.ok(b.check(forB, 'POST', path), 'and good at B');
});

test('a share link\'s browser stays limited to its share at the other replica (a local caller without it would own everything)', () => {
  const a = new ReplicaAuth(key, 'local', () => 1_000, 'abc123', quiet);
  const b = new ReplicaAuth(key, 'local', () => 1_000, 'def456', quiet);
  const link: Caller = { mode: 'local', admin: false, signOut: null, share: { shareId: 'sAbc' } };
  assert.equal(b.check(a.sign('def456', link, 'GET', path), 'GET', path)?.caller, { mode: 'local', share: { shareId: 'sAbc' }, admin: false, signOut: null, via: 'abc123' });
});

test('anything else is not a voucher: forged, another key, truncated, over-long, a person of the wrong shape; the log says why of a signed one, never the header', () => {
  const now = () => 1_000;
  const logged: string[] = [];
  const a = new ReplicaAuth(key, 'oidc', now, 'abc123', quiet);
  const b = new ReplicaAuth(key, 'oidc', now, 'def456', (message) => logged.push(message));
  const header = a.sign('def456', alice, 'POST', path);
  const [body, mac] = header.split('.');
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), admin: true })).toString('base64url');
  for (const bad of [`${forged}.${mac}`, new ReplicaAuth(new Uint8Array(32).fill(4), 'oidc', now, 'abc123', quiet).sign('def456', alice, 'POST', path), body, `${header}.x`, header.slice(0, -2), 'x'.repeat(MAX_VOUCHER_LENGTH + 1), '', undefined, [header, header]]) {
    assert.is(b.check(bad as string, 'POST', path), undefined, String(bad).slice(0, 40));
  }
  assert.equal(logged, [], 'none of them was signed with the shared key: nothing said');
  const odd = new ReplicaAuth(key, 'oidc', now, 'abc123', quiet).sign('def456', { ...alice, person: { user: '', groups: [] } }, 'POST', path);
  assert.is(b.check(odd, 'POST', path), undefined, 'an empty user name');
  assert.is(b.check(a.sign('def456', alice, 'POST', path), 'GET', path), undefined, 'signed, for another request');
  assert.equal(logged.map((line) => line.replace(/:.*/, '')), [`refused a replica voucher for POST ${path}`, `refused a replica voucher for GET ${path}`]);
  assert.match(logged[0], 'its person is not one');
  assert.match(logged[1], 'it is for another request');
  assert.not.ok(logged.some((line) => line.includes(mac)), 'the header is not logged');
  assert.throws(() => new ReplicaAuth(new Uint8Array(16), 'oidc', now, 'abc123', quiet), /at least 32 bytes/);
});

test('a person with as many groups as a sign-in takes, each as long as a name may be, is vouched for', () => {
  const a = new ReplicaAuth(key, 'proxy', () => 1_000, 'abc123', quiet);
  const b = new ReplicaAuth(key, 'proxy', () => 1_000, 'def456', (message) => assert.unreachable(message));
  // an enterprise directory's groups (proxy mode: X-Forwarded-Groups; the review's case)
  const directory = Array.from({ length: 100 }, (_, i) => `corp-ad-group-team-platform-engineering-${String(i).padStart(3, '0')}`);
  // the longest a name may be, in characters that take the most room in the voucher: 3 bytes of UTF-8, or escaped in JSON
  const longest = (i: number) => `${i}`.padEnd(MAX_NAME_LENGTH, i % 2 ? '\u20ac' : '"\\');
  const widest = { user: longest(0), groups: Array.from({ length: MAX_GROUPS }, (_, i) => longest(i + 1)) };
  for (const person of [{ user: 'alice', groups: directory }, widest]) {
    const header = a.sign('def456', { mode: 'proxy', person, admin: false, signOut: null }, 'GET', '/api/v1/stream');
    assert.ok(header.length <= MAX_VOUCHER_LENGTH, `${header.length} characters`);
    assert.equal(b.check(header, 'GET', '/api/v1/stream')?.caller.person, person);
  }
});

test('the sign-in session goes with the caller (a share made at the other replica ends with it); one that is not a sign-in\'s is refused', () => {
  const logged: string[] = [];
  const a = new ReplicaAuth(key, 'oidc', () => 1_000, 'abc123', quiet);
  const b = new ReplicaAuth(key, 'oidc', () => 1_000, 'def456', (message) => logged.push(message));
  const signIn = { idHash: 'h'.repeat(43), endsAt: 8 * 3600_000 };
  assert.equal(b.check(a.sign('def456', { ...alice, signIn }, 'POST', path), 'POST', path)?.caller, { mode: 'oidc', person: alice.person, signIn, admin: false, signOut: null, via: 'abc123' });
  for (const odd of [{ idHash: 'a cookie value', endsAt: 1 }, { idHash: 'h'.repeat(43), endsAt: 'later' }]) {
    assert.is(b.check(a.sign('def456', { ...alice, signIn: odd as never }, 'POST', path), 'POST', path), undefined, JSON.stringify(odd));
  }
  assert.equal(logged.map((line) => line.replace(/.*, /, '')), ['its sign-in is not one', 'its sign-in is not one']);
  // the widest person a sign-in takes still fits with it
  const longest = (i: number) => `${i}`.padEnd(MAX_NAME_LENGTH, '\u20ac');
  const widest = { user: longest(0), groups: Array.from({ length: MAX_GROUPS }, (_, i) => longest(i + 1)) };
  assert.ok(a.sign('def456', { ...alice, person: widest, signIn }, 'POST', path).length <= MAX_VOUCHER_LENGTH);
});

test('keys derived for different purposes differ: a voucher key never signs a sign-in cookie', () => {
  const shared = new Uint8Array(32).fill(9);
  assert.not.equal(Buffer.from(derivedKey(shared, 'replica voucher')).toString('hex'), Buffer.from(derivedKey(shared, 'sign-in sessions')).toString('hex'));
  assert.is(derivedKey(shared, 'replica voucher').length, 32);
});

test.run();

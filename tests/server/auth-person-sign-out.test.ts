// An admin's sign-out of a person (docs/team-mode.md, "Offboarding"), in the parts that keep it: on
// a virtual clock, every sign-in of theirs made until then ends (the ones a replica holds at once,
// told as `signedOutByAdmin`; a cookie from a build before sign-in times by its end), a later one
// does not, nobody else's does; the sign-out is kept 8 hours and then forgotten, like a session's;
// in a file it outlives a restart; through a shared store every replica hears it once.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Buffer } from 'node:buffer';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../src/runtime/clock.ts';
import type { RevokedSignIn } from '../../src/events/shared-store.ts';
import type { Caller } from '../../src/server/caller.ts';
import { FileRevocations } from '../../src/server/auth/file-revocations.ts';
import { MemoryRevocations, personKey } from '../../src/server/auth/revocations.ts';
import { SharedRevocations } from '../../src/server/auth/shared-revocations.ts';
import { SESSION_MS, SessionStore } from '../../src/server/auth/sessions.ts';
import { SignedSessions } from '../../src/server/auth/signed-sessions.ts';
import { cookieKey } from '../../src/server/auth/signed-session-value.ts';

const KEY = randomBytes(32);
const person = (user: string): Caller => ({ mode: 'kube-token', person: { user, groups: ['dev'] }, admin: false, signOut: '/auth/sign-out' });
const signIn = (sessions: SignedSessions | SessionStore, user: string, clock: VirtualClock) => sessions.start(person(user), clock.now() + SESSION_MS) as string;

/** A cookie as a build before sign-in times made it: no `iat`. */
function cookieWithoutSignInTime(user: string, expiresAt: number): string {
  const payload = Buffer.from(JSON.stringify({ sid: randomBytes(16).toString('base64url'), exp: expiresAt, mode: 'kube-token', user, groups: ['dev'], admin: false, signOut: '/auth/sign-out' })).toString('base64url');
  const body = `v1.${payload}`;
  return `${body}.${createHmac('sha256', cookieKey(KEY)).update(body).digest('base64url')}`;
}

test("signed sessions: every sign-in of the person until then ends, on each replica holding one at once; a later one, another person's, do not; kept 8 hours", () => {
  const clock = new VirtualClock(0);
  const revocations = new MemoryRevocations(() => clock.now()); // stands for the store both replicas hear
  const [here, elsewhere] = [new SignedSessions(KEY, 'kube-token', { clock, revocations }), new SignedSessions(KEY, 'kube-token', { clock, revocations })];
  const ended: string[] = [];
  here.onEnded((caller, how) => ended.push(`here: ${caller.person!.user} ${how}`));
  elsewhere.onEnded((caller, how) => ended.push(`elsewhere: ${caller.person!.user} ${how}`));
  const first = signIn(here, 'alice', clock);
  assert.ok('session' in elsewhere.find(first), 'elsewhere holds it too');
  clock.advanceTo(100);
  const second = signIn(here, 'alice', clock);
  const bob = signIn(here, 'bob', clock);
  const oldBefore = cookieWithoutSignInTime('alice', 150 + SESSION_MS); // made at 150 at the latest
  const oldAfter = cookieWithoutSignInTime('alice', 300 + SESSION_MS); // at 300 at the earliest

  clock.advanceTo(200);
  assert.is(here.endPerson('alice'), 200);
  assert.equal(ended, ['here: alice signedOutByAdmin', 'here: alice signedOutByAdmin', 'elsewhere: alice signedOutByAdmin'], 'no request needed');
  for (const value of [first, second, oldBefore]) {
    assert.equal(here.find(value), { problem: 'ended' });
    assert.equal(elsewhere.find(value), { problem: 'ended' });
  }
  assert.ok('session' in here.find(bob), "bob's goes on");
  assert.ok('session' in here.find(oldAfter), 'an old cookie made after it by its end');
  clock.advanceTo(201);
  assert.ok('session' in elsewhere.find(signIn(here, 'alice', clock)), 'a sign-in after it');

  clock.advanceTo(200 + SESSION_MS - 1);
  assert.ok(revocations.isPersonRevoked('alice', 200), 'kept as long as a sign-in made until then lives');
  clock.advanceTo(200 + SESSION_MS);
  assert.not.ok(revocations.isPersonRevoked('alice', 200));
  assert.equal([...revocations.kept()], [], 'then forgotten');
  here.close();
  elsewhere.close();
});

test('in-memory sessions: every session of the person ends, told as signedOutByAdmin; nobody else’s', () => {
  const clock = new VirtualClock(0);
  const store = new SessionStore(clock);
  const ended: string[] = [];
  store.onEnded((caller, how) => ended.push(`${caller.person!.user} ${how}`));
  const [first, second, bob] = [signIn(store, 'alice', clock), signIn(store, 'alice', clock), signIn(store, 'bob', clock)];
  clock.advanceTo(50);
  assert.is(store.endPerson('alice'), 50);
  assert.equal(ended, ['alice signedOutByAdmin', 'alice signedOutByAdmin']);
  for (const id of [first, second]) assert.equal(store.find(id), { problem: 'ended' });
  assert.ok('session' in store.find(bob));
  store.close();
});

test('a person signed out again later replaces the first, and each is told once, however often it is heard', () => {
  const clock = new VirtualClock(1000);
  const revocations = new MemoryRevocations(() => clock.now());
  const told: string[] = [];
  revocations.onPersonRevoked((user, at) => told.push(`${user} ${at}`));
  revocations.revokePerson('alice', 1000);
  revocations.revokePerson('alice', 1000);
  revocations.revokePerson('alice', 500);
  assert.equal(told, ['alice 1000']);
  assert.ok(revocations.isPersonRevoked('alice', 1000));
  assert.not.ok(revocations.isPersonRevoked('alice', 1001));
  assert.not.ok(revocations.isPersonRevoked('bob', 0));
  revocations.revokePerson('alice', 2000);
  assert.equal(told, ['alice 1000', 'alice 2000']);
  assert.ok(revocations.isPersonRevoked('alice', 1500));
});

test("in the state folder: a person's sign-out outlives a restart, and is left out once its 8 hours are over", () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-person-sign-out-'));
  try {
    const file = join(dir, 'sign-outs');
    const clock = new VirtualClock(1000);
    new FileRevocations(file, () => {}, () => clock.now()).revokePerson('oidc:alice@example.com', 1000);
    assert.match(readFileSync(file, 'utf8'), `${personKey('oidc:alice@example.com')} ${1000 + SESSION_MS}\n`);
    const restarted = new FileRevocations(file, () => {}, () => clock.now());
    assert.ok(restarted.isPersonRevoked('oidc:alice@example.com', 999));
    assert.not.ok(restarted.isPersonRevoked('oidc:alice@example.com', 1001));
    clock.advanceTo(1000 + SESSION_MS);
    new FileRevocations(file, () => {}, () => clock.now());
    assert.is(readFileSync(file, 'utf8'), '', 'not written anew');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('through a shared store: sent under the person’s key until 8 hours after; another replica’s told to the listeners once', () => {
  const clock = new VirtualClock(1000);
  const sent: RevokedSignIn[] = [];
  let hear: (revoked: RevokedSignIn[]) => void = () => {};
  const revocations = new SharedRevocations({ revokeSignIn: (idHash, expiresAt) => sent.push({ idHash, expiresAt }), listenRevocations: (listener) => (hear = listener) }, () => {}, () => clock.now());
  const told: string[] = [];
  revocations.onPersonRevoked((user, at) => told.push(`${user} ${at}`));
  revocations.revokePerson('alice', 1000);
  assert.equal(sent, [{ idHash: personKey('alice'), expiresAt: 1000 + SESSION_MS }]);
  hear(sent); // its own, back from the store
  hear([{ idHash: personKey('bob'), expiresAt: 900 + SESSION_MS }]);
  hear([{ idHash: personKey('bob'), expiresAt: 900 + SESSION_MS }]); // told twice
  assert.equal(told, ['alice 1000', 'bob 900']);
  assert.ok(revocations.isPersonRevoked('bob', 900));
});

test.run();

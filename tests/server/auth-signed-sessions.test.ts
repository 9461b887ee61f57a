// Signed sessions, for replicas behind one address: a cookie made with one key is taken by every
// SignedSessions with the same key, and bad input of every kind is simply "not signed in" (never an
// exception). Expiry and sign-out behave as with the in-memory store (auth-parts.test.ts); one
// server keeps its sign-outs in a file across restarts; the session key's file is read as base64
// or raw, and refused with a sentence when unusable.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Buffer } from 'node:buffer';
import { createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignedSessions } from '../../src/server/auth/signed-sessions.ts';
import { STORE_FULL, SessionStore } from '../../src/server/auth/sessions.ts';
import { MAX_VALUE_LENGTH, cookieKey } from '../../src/server/auth/signed-session-value.ts';
import { MemoryRevocations, revokedIdHash } from '../../src/server/auth/revocations.ts';
import { FileRevocations, REWRITE_EVERY } from '../../src/server/auth/file-revocations.ts';
import { sessionKeyFromFile } from '../../src/server/auth/session-key-file.ts';
import { authSettings } from '../../src/server/auth/auth-settings.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import type { Caller } from '../../src/server/caller.ts';

const KEY = randomBytes(32);
const alice: Caller = { mode: 'kube-token', person: { user: 'alice', groups: ['dev', 'ops'] }, admin: false, signOut: '/auth/sign-out' };

function cookieOf(sessions: SignedSessions, caller: Caller, expiresAt: number): string {
  const value = sessions.start(caller, expiresAt);
  assert.type(value, 'string');
  return value as string;
}

test('signed sessions: a cookie made on one replica is the same person on another with the same key, and one Caller per session there', () => {
  const clock = new VirtualClock(0);
  const [a, b] = [new SignedSessions(KEY, 'kube-token', { clock }), new SignedSessions(KEY, 'kube-token', { clock })];
  const value = cookieOf(a, alice, 1000);
  assert.match(value, /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  const found = b.find(value);
  assert.ok('session' in found);
  if (!('session' in found)) return;
  // the caller names its session as its sign-out is kept (the hash of the id inside the cookie), with its end: a share it makes ends with it
  const sid = JSON.parse(Buffer.from(value.split('.')[1], 'base64url').toString()).sid as string;
  assert.equal(found.session, { caller: { ...alice, signIn: { idHash: revokedIdHash(sid), endsAt: 1000, at: 0 } }, expiresAt: 1000, signedInAt: 0 });
  const again = b.find(value);
  assert.ok('session' in again && again.session.caller === found.session.caller, 'the sockets of one session carry one Caller, so they close together');
  assert.equal(b.find(undefined), { problem: 'missing' });
  a.close();
  b.close();
});

test('signed sessions: tampered, another key, truncated, over-long, expired, another version or mode: not signed in, never thrown', () => {
  const clock = new VirtualClock(0);
  const sessions = new SignedSessions(KEY, 'kube-token', { clock });
  const value = cookieOf(sessions, alice, 1000);
  const [version, payload, mac] = value.split('.');
  const json = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const forged = (changes: object) => `${version}.${Buffer.from(JSON.stringify({ ...json, ...changes })).toString('base64url')}.${mac}`;
  // A correctly signed value with another version: a format this replica does not know.
  const signedAs = (prefix: string) => {
    const body = `${prefix}.${payload}`;
    return `${body}.${createHmac('sha256', cookieKey(KEY)).update(body).digest('base64url')}`;
  };
  const bad: Record<string, string> = {
    'another user': forged({ user: 'mallory' }),
    'admin added': forged({ admin: true }),
    'expiry pushed': forged({ exp: 10 ** 12 }),
    'a flipped MAC byte': `${version}.${payload}.${(mac[0] === 'A' ? 'B' : 'A') + mac.slice(1)}`,
    // the last letter of 32 bytes in base64url carries two spare bits: the same bytes, spelled otherwise
    'the MAC spelled another way': `${version}.${payload}.${mac.slice(0, -1)}${BASE64URL[BASE64URL.indexOf(mac.at(-1)!) ^ 1]}`,
    'another key': cookieOf(new SignedSessions(randomBytes(32), 'kube-token', { clock }), alice, 1000),
    'another mode': cookieOf(new SignedSessions(KEY, 'oidc', { clock }), { ...alice, mode: 'oidc' }, 1000),
    truncated: value.slice(0, -5),
    'MAC cut off': `${version}.${payload}`,
    'over-long': `${value}${'A'.repeat(MAX_VALUE_LENGTH)}`,
    'a future version': signedAs('v2'),
    'no version': signedAs('').slice(1),
    'not base64': `${version}.${payload}!.${mac}`,
    'four parts': `${value}.x`,
    garbage: 'x',
    'signed garbage': (() => {
      const body = `v1.${Buffer.from('{"sid":1}').toString('base64url')}`;
      return `${body}.${createHmac('sha256', cookieKey(KEY)).update(body).digest('base64url')}`;
    })(),
  };
  for (const [what, cookie] of Object.entries(bad)) {
    assert.equal(sessions.find(cookie), { problem: 'ended' }, what);
    assert.is(sessions.end(cookie), undefined, `${what}: nothing to sign out`);
  }
  assert.ok('session' in sessions.find(value), 'the genuine one still is');
  clock.advanceTo(1000);
  assert.equal(new SignedSessions(KEY, 'kube-token', { clock }).find(value), { problem: 'ended' }, 'expired, on a replica that never saw it');
  sessions.close();
});

test('signed sessions: the end is told on time on every replica that saw the session; sign-out ends it here and revokes it', () => {
  const clock = new VirtualClock(0);
  const revocations = new MemoryRevocations(() => clock.now());
  const a = new SignedSessions(KEY, 'kube-token', { clock, revocations });
  const b = new SignedSessions(KEY, 'kube-token', { clock });
  const ended: string[] = [];
  a.onEnded((caller) => ended.push(`a:${caller.person!.user}`));
  b.onEnded((caller) => ended.push(`b:${caller.person!.user}`));
  const first = cookieOf(a, alice, 1000);
  assert.ok('session' in b.find(first));
  clock.advanceTo(1000);
  assert.equal(ended, ['a:alice', 'b:alice'], 'each replica closes its own sockets at the end, with no request');
  const second = cookieOf(a, alice, 5000);
  assert.ok('session' in b.find(second));
  assert.is(a.end(second)?.caller.person?.user, 'alice');
  assert.equal(ended.slice(2), ['a:alice'], "signed out: this replica's sockets close");
  assert.equal(a.find(second), { problem: 'ended' }, 'revoked here');
  assert.is(a.end(second), undefined, 'once');
  assert.ok('session' in b.find(second), 'another replica does not know of it without shared revocations (the documented limit)');
  const shared = new SignedSessions(KEY, 'kube-token', { clock, revocations });
  assert.equal(shared.find(second), { problem: 'ended' }, 'a replica given the same revocations refuses it');
  // signed out on a replica that never saw the session: told all the same, so what it made (its shares) ends with it
  const third = cookieOf(b, alice, 9000);
  const unseen = new SignedSessions(KEY, 'kube-token', { clock });
  const told: Caller[] = [];
  unseen.onEnded((caller) => told.push(caller));
  assert.ok(unseen.end(third));
  const { sid, iat } = JSON.parse(Buffer.from(third.split('.')[1], 'base64url').toString()) as { sid: string; iat: number };
  assert.equal(told.map((caller) => caller.signIn), [{ idHash: revokedIdHash(sid), endsAt: 9000, at: iat }]);
  for (const sessions of [a, b, shared, unseen]) sessions.close();
});

test("signed sessions: a full cache never refuses: a sign-in here or a cookie brought back forgets the oldest of whoever holds the most (its cookie still works), else the oldest; the in-memory store refuses", () => {
  const clock = new VirtualClock(0);
  const signed = new SignedSessions(KEY, 'kube-token', { clock, maxSessions: 4 });
  const elsewhere = new SignedSessions(KEY, 'kube-token', { clock });
  const told: string[] = [];
  signed.onEnded((caller, how) => told.push(`${caller.person!.user} ${how}`));
  const [ann, mal, carol, dave, erin] = ['ann', 'mal', 'carol', 'dave', 'erin'].map((user) => ({ ...alice, person: { user, groups: [] } }));
  const first = cookieOf(signed, ann, 5000);
  const mals = [1, 2, 3].map(() => cookieOf(signed, mal, 5000));
  cookieOf(signed, carol, 5000);
  assert.equal(told, ['mal forgotten'], "mal holds the most: their oldest went, not ann's, the oldest of all");
  assert.ok('session' in signed.find(cookieOf(elsewhere, dave, 5000)), 'a cookie made on another replica is taken here');
  assert.equal(told, ['mal forgotten', 'mal forgotten']);
  cookieOf(signed, erin, 5000);
  assert.equal(told, ['mal forgotten', 'mal forgotten', 'ann forgotten'], 'one each: the oldest went');
  for (const value of [first, mals[0]]) assert.ok('session' in signed.find(value), 'and is still signed in');
  assert.ok(!told.some((line) => line.endsWith('ended')), 'forgotten here, never ended');
  const store = new SessionStore(clock, 2);
  const ended: string[] = [];
  store.onEnded((caller, how) => ended.push(`${caller.person!.user} ${how}`));
  for (const caller of [ann, carol]) store.start(caller, 5000);
  assert.equal(store.start(dave, 5000), STORE_FULL);
  assert.equal(ended, [], 'the store is the sessions: nobody signed out to make room');
  for (const sessions of [signed, elsewhere, store]) sessions.close();
});

test('signed sessions: a person too large for a browser cookie is refused with a sentence, not a broken cookie', () => {
  const sessions = new SignedSessions(KEY, 'oidc', { clock: new VirtualClock(0) });
  const many: Caller = { mode: 'oidc', person: { user: 'alice', groups: Array.from({ length: 100 }, (_, i) => `a-group-with-a-rather-long-name-as-some-directories-make-them-${i}`) }, admin: false, signOut: null };
  const made = sessions.start(many, 1000);
  assert.type(made, 'object');
  assert.match((made as { problem: string }).problem, /too long to fit in a browser cookie/);
  sessions.close();
});

test('revocations: kept until the session would have ended anyway, bounded, the oldest forgotten first when full', () => {
  let now = 0;
  const revocations = new MemoryRevocations(() => now, 2);
  revocations.revoke('a', 100);
  revocations.revoke('b', 200);
  assert.ok(revocations.isRevoked('a'));
  now = 100;
  assert.equal([revocations.isRevoked('a'), revocations.size], [false, 1], "past its end the session is over anyway: forgotten");
  revocations.revoke('c', 300);
  revocations.revoke('d', 300);
  assert.equal(['b', 'c', 'd'].map((id) => revocations.isRevoked(id)), [false, true, true], 'full: the oldest went');
});

test('revocations in a file: read back at the next start, the ended ones left out (then and every REWRITE_EVERY sign-outs), a torn line passed over; one that cannot be written is said', () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-sign-outs-'));
  try {
    const file = join(dir, 'sign-outs');
    let now = 0;
    const warned: string[] = [];
    const first = new FileRevocations(file, (m) => warned.push(m), () => now);
    first.revoke('ends-soon', 100);
    first.revoke('ends-late', 1000);
    appendFileSync(file, 'a torn li');
    now = 500;
    const second = new FileRevocations(file, (m) => warned.push(m), () => now);
    assert.equal([second.isRevoked('ends-late'), second.isRevoked('ends-soon'), second.isRevoked('never')], [true, false, false]);
    assert.is(readFileSync(file, 'utf8').trim().split('\n').length, 1, 'written anew with the one still to come');
    assert.not.match(readFileSync(file, 'utf8'), 'ends-late', 'the ids are not in the file, only their hashes');
    assert.equal(warned, []);
    // while it runs, written anew every REWRITE_EVERY sign-outs, without those that ended
    const running = join(dir, 'running');
    now = 0;
    const busy = new FileRevocations(running, (m) => warned.push(m), () => now);
    busy.revoke('ends-first', 10);
    now = 20;
    for (let i = 1; i < REWRITE_EVERY; i++) busy.revoke(`s${i}`, 1000);
    assert.is(readFileSync(running, 'utf8').trim().split('\n').length, REWRITE_EVERY - 1, 'the ended one left out, the file no longer than what is remembered');
    assert.ok(busy.isRevoked('s1') && busy.isRevoked(`s${REWRITE_EVERY - 1}`));
    now = 500;
    const unwritable = new FileRevocations(join(dir, 'no-such-folder', 'sign-outs'), (m) => warned.push(m), () => now);
    unwritable.revoke('x', 1000);
    assert.ok(unwritable.isRevoked('x'), 'still known to this process');
    assert.match(warned.join('\n'), /a sign-out is known to this process only, until it restarts: .*no-such-folder.*ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the session key: base64 or raw bytes from a private file, 32 bytes at least, from a file or given, not both', () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-session-key-'));
  try {
    const file = (name: string, content: string | Uint8Array, mode = 0o600) => {
      const path = join(dir, name);
      writeFileSync(path, content, { mode });
      chmodSync(path, mode);
      return path;
    };
    const raw = randomBytes(32);
    assert.equal(Buffer.from(sessionKeyFromFile(file('base64', `${raw.toString('base64')}\n`))), raw, 'openssl rand -base64 32');
    assert.equal(Buffer.from(sessionKeyFromFile(file('base64url', raw.toString('base64url')))), raw);
    const binary = Buffer.concat([Buffer.from([0, 255, 10]), randomBytes(40)]);
    assert.equal(Buffer.from(sessionKeyFromFile(file('raw', binary))), binary, 'openssl rand 32: the bytes themselves');
    assert.equal(Buffer.from(sessionKeyFromFile(file('group', raw.toString('base64'), 0o440))), raw, "a Secret mounted for the pod's fsGroup");
    assert.throws(() => sessionKeyFromFile(file('short', randomBytes(16).toString('base64'))), /holds a key of 16 bytes; it needs at least 32 random bytes: openssl rand -base64 32 >/);
    assert.throws(() => sessionKeyFromFile(file('open', raw.toString('base64'), 0o644)), /may be read by every user of this machine \(mode 0644\): chmod 600 .*defaultMode 0400/);
    assert.throws(() => sessionKeyFromFile(join(dir, 'missing')), /--session-key-file .*missing cannot be read: ENOENT/);
    const good = file('key', raw.toString('base64'));
    assert.equal((authSettings({ mode: 'kube-token', sessionKeyFile: good }) as { sessionKey: Uint8Array }).sessionKey, new Uint8Array(raw));
    assert.equal((authSettings({ mode: 'kube-token', sessionKey: raw }) as { sessionKey: Uint8Array }).sessionKey, raw);
    assert.throws(() => authSettings({ mode: 'kube-token', sessionKey: randomBytes(31) }), /the session key has 31 bytes; it needs at least 32/);
    assert.throws(() => authSettings({ mode: 'kube-token', sessionKey: raw, sessionKeyFile: good }), /not both/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

// The sign-in modes' parts, each on its own: trusted proxy ranges, the names a person may have
// (and the system: names a proxy or an issuer may not give), sessions and their fixed lifetimes
// ending on time, the sign-in form's CSRF tokens, OIDC flows (one use, none pushed out by others), the
// CSRF rule for changes, the settings a start refuses, and kube-token's answers when the clock
// runs out or the cluster cannot check a token.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { IncomingMessage } from 'node:http';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustedPeers } from '../../src/server/auth/trusted-peers.ts';
import { MAX_GROUPS, nameProblem, personFrom } from '../../src/server/auth/person-names.ts';
import { AssertedNames, NO_PREFIXES } from '../../src/server/auth/asserted-person.ts';
import { ProxyAuthenticator } from '../../src/server/auth/proxy-auth.ts';
import { PeerLimits, peerKey } from '../../src/server/auth/peer-limits.ts';
import { SESSION_MS, STORE_FULL, SessionStore } from '../../src/server/auth/sessions.ts';
import { revokedIdHash } from '../../src/server/auth/revocations.ts';
import { FormTokens } from '../../src/server/auth/form-tokens.ts';
import { FLOW_MS } from '../../src/server/auth/oidc-flows.ts';
import { MAX_SESSIONS_PER_PERSON } from '../../src/server/auth/live-sessions.ts';
import { SignedFlows } from '../../src/server/auth/signed-flows.ts';
import { MAX_USED, UsedStates } from '../../src/server/auth/used-states.ts';
import { crossSiteProblem } from '../../src/server/auth/same-origin.ts';
import { localPath } from '../../src/server/auth/local-path.ts';
import { authSettings } from '../../src/server/auth/auth-settings.ts';
import { KubeTokenAuthenticator } from '../../src/server/auth/kube-token-auth.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { TokenReviewFailed, type TokenReviewResult } from '../../src/adapters/kubernetes/token-review.ts';
import { FrontDoor } from '../../src/server/security.ts';
import type { Caller } from '../../src/server/caller.ts';
import { startOctantExec } from '../../src/server/app.ts';
import { Jar, around, formOf, send } from './auth-support.ts';

test('trusted proxies: IPv4 and IPv6 ranges, bare addresses, IPv4 seen through a dual-stack socket', () => {
  const peers = new TrustedPeers(['10.0.0.0/8', '192.168.1.5', 'fd00::/8', '2001:db8::1/128', '172.16.0.0/12']);
  for (const yes of ['10.1.2.3', '::ffff:10.200.0.1', '::FFFF:192.168.1.5', '192.168.1.5', 'fd12:3456::1', '2001:db8::1', '2001:db8:0:0:0:0:0:1', '172.31.255.255', 'fd00::1%eth0']) {
    assert.ok(peers.has(yes), yes);
  }
  for (const no of ['11.0.0.1', '192.168.1.6', '::ffff:11.0.0.1', 'fe00::1', '2001:db8::2', '172.32.0.1', '::1', '127.0.0.1', undefined, '', 'localhost', '10.0.0.1.5']) {
    assert.not.ok(peers.has(no), String(no));
  }
  assert.ok(new TrustedPeers(['::/0']).has('::1'));
  assert.ok(new TrustedPeers(['127.0.0.1/32']).has('::ffff:127.0.0.1'));
  assert.ok(new TrustedPeers(['64:ff9b::/96']).has('64:ff9b::10.0.0.1'));
  for (const bad of ['10.0.0.0/33', 'fd00::/129', 'example.com/8', '10.0.0.0/8/1', '10.0.0/8', '', '10.0.0.0/-1', '10.0.0.0/ 8']) {
    assert.throws(() => new TrustedPeers([bad]), /is not an address range/, bad);
  }
});

test('names from outside: control and invisible format characters, bad UTF-8, over 256 characters, over 100 groups are refused, duplicates merged', () => {
  assert.is(nameProblem('alice@example.com'), undefined);
  assert.is(nameProblem('system:serviceaccount:ns:name'), undefined);
  assert.is(nameProblem('josé.garcía@example.com'), undefined);
  assert.is(nameProblem('王小明'), undefined);
  for (const bad of ['', 'a\nb', 'a\u0000', 'a\u0085', 'bad\ufffd', 'x'.repeat(257)]) assert.ok(nameProblem(bad), JSON.stringify(bad));
  // a header drops them, so " system:masters" would reach the cluster as system:masters
  for (const spaced of [' system:masters', 'system:masters ', '\u3000system:admin', 'alice\u00a0']) assert.match(nameProblem(spaced) ?? '', /starts or ends with white space/, JSON.stringify(spaced));
  assert.is(nameProblem('Alice Smith'), undefined, 'a space inside a name is no problem');
  // Unicode format characters (Cf): alice\u200b shows as alice on the Audit page; U+202E reads backwards
  for (const invisible of ['alice\u200b', '\u202eecila', 'ali\u00adce', 'al\u200dice', '\ufeffalice', 'alice\u2066', 'alice\u2028', 'alice\ud800']) {
    assert.match(nameProblem(invisible) ?? '', /invisible formatting characters/, JSON.stringify(invisible));
  }
  const source = { user: 'U', groups: 'G' };
  assert.equal(personFrom('alice', ['dev', 'dev', 'ops'], source), { user: 'alice', groups: ['dev', 'ops'] });
  assert.match((personFrom('alice', Array.from({ length: MAX_GROUPS + 1 }, (_, i) => `g${i}`), source) as { problem: string }).problem, /G lists more than 100 groups/);
  const problem = (personFrom('alice', ['ok', 'bad\u0007secret'], source) as { problem: string }).problem;
  assert.match(problem, /A group in G has control characters/);
  assert.not.ok(problem.includes('secret'), 'the value is never repeated');
});

test('sessions: a fixed lifetime, ended on time by their own timer, ended at sign-out, the store never holding a usable id, a new one refused when full (nobody else\'s ended)', () => {
  const clock = new VirtualClock(0);
  const store = new SessionStore(clock, 3);
  const ended: Caller[] = [];
  store.onEnded((caller) => ended.push(caller));
  const caller = (user: string): Caller => ({ mode: 'kube-token', person: { user, groups: [] }, admin: false, signOut: '/auth/sign-out' });
  const alice = caller('alice');
  const id = store.start(alice, 1000) as string;
  assert.match(id, /^[A-Za-z0-9_-]{43}$/);
  // the session's caller names it as its sign-out is kept (a hash, never the id), with its end: a share it makes ends with it
  const aliceSession = { ...alice, signIn: { idHash: revokedIdHash(id), endsAt: 1000, at: 0 } };
  assert.equal(store.find(id), { session: { caller: aliceSession, expiresAt: 1000, signedInAt: 0 } });
  assert.is.not(aliceSession.signIn.idHash, id);
  clock.advanceTo(999);
  assert.ok('session' in store.find(id), 'use does not extend it, and it holds until its end');
  assert.equal(ended, []);
  clock.advanceTo(1000);
  assert.equal(ended, [aliceSession], 'an expiry is told when it happens, like a sign-out, with no lookup');
  assert.is(store.size, 0);
  assert.equal(store.find(id), { problem: 'ended' });
  assert.equal(store.find(undefined), { problem: 'missing' });
  assert.equal(store.find('made-up'), { problem: 'ended' });
  const bob = caller('bob');
  const bobId = store.start(bob, 5000) as string;
  const bobSession = { ...bob, signIn: { idHash: revokedIdHash(bobId), endsAt: 5000, at: 1000 } };
  assert.equal(store.end(bobId)?.caller, bobSession);
  assert.equal(store.find(bobId), { problem: 'ended' });
  clock.advanceTo(5000);
  assert.equal(ended, [aliceSession, bobSession], "a signed-out session's timer is gone with it: told once");
  const ids = ['a', 'b', 'c'].map((name) => store.start(caller(name), 9000) as string);
  assert.equal(store.start(caller('d'), 9000), STORE_FULL, 'full: the new sign-in is refused, with a sentence and when to try again');
  assert.is(store.size, 3);
  for (const kept of ids) assert.ok('session' in store.find(kept), "nobody else's session ended to make room");
  assert.is(ended.length, 2);
  store.close();
  clock.advanceTo(20_000);
  assert.is(ended.length, 2, 'after close() no timer fires');
});

test('sessions: an end beyond what one timer can wait is waited for in steps, and still told on time', () => {
  const clock = new VirtualClock(0);
  const store = new SessionStore(clock);
  const ended: string[] = [];
  store.onEnded((caller) => ended.push(caller.person!.user));
  const far = 40 * 24 * 3600_000; // 40 days: past the 24.8 days of one timer
  store.start({ mode: 'oidc', person: { user: 'alice', groups: [] }, admin: false, signOut: null }, far);
  clock.advanceTo(2 ** 31);
  assert.equal(ended, [], 'the first timer woke early, and waits on');
  clock.advanceTo(far);
  assert.equal(ended, ['alice']);
});

test('names a proxy or an issuer asserts: prefixes first, a system: user refused, system: groups dropped and said once each', () => {
  const warnings: string[] = [];
  const source = { user: 'U', groups: 'G' };
  const plain = new AssertedNames(NO_PREFIXES, 'proxy sign-in', (m) => warnings.push(m));
  assert.equal(plain.person('alice', ['dev', 'system:masters', 'system:authenticated', 'ops'], source), { user: 'alice', groups: ['dev', 'ops'] });
  assert.equal(plain.person('bob', ['system:masters'], source), { user: 'bob', groups: [] });
  assert.equal(warnings.length, 2, warnings.join('\n'));
  assert.match(warnings[0], /^proxy sign-in: dropped the group "system:masters" from G: groups starting with "system:" are Kubernetes' own/);
  assert.match(warnings[1], /"system:authenticated"/);
  for (const user of ['system:admin', 'system:serviceaccount:kube-system:default', 'system:kube-controller-manager']) {
    const refused = plain.person(user, ['dev'], source) as { problem: string; reserved?: true };
    assert.ok(refused.reserved, user);
    assert.match(refused.problem, /^The user name in U starts with "system:", which Kubernetes keeps for its own components and service accounts/);
  }
  assert.equal(plain.person('System:admin', [], source), { user: 'System:admin', groups: [] }, 'Kubernetes names are case-sensitive: only system: is its own');
  assert.match((plain.person('alice\u200b', [], source) as { problem: string }).problem, /invisible formatting/);
  // white space at an end: a group is dropped (said once), a user refused; a header would drop the space
  assert.equal(plain.person('erin', ['dev', ' system:masters', 'ops '], source), { user: 'erin', groups: ['dev'] });
  assert.match(warnings.at(-2)!, /^proxy sign-in: dropped the group " system:masters" from G: a name that starts or ends with white space loses it in an HTTP header/);
  assert.match(warnings.at(-1)!, /"ops "/);
  assert.match((plain.person(' system:admin', [], source) as { problem: string }).problem, /^The user name in U starts or ends with white space/);
  const said = warnings.length;
  const prefixed = new AssertedNames({ username: 'oidc:', groups: 'oidc:' }, 'oidc sign-in', (m) => warnings.push(m));
  assert.equal(prefixed.person('system:admin', ['system:masters', 'dev'], source), { user: 'oidc:system:admin', groups: ['oidc:system:masters', 'oidc:dev'] }, "with the cluster's prefixes nothing collides with Kubernetes' own names");
  assert.is(warnings.length, said);
});

test('a proxy with --proxy-username-prefix and --proxy-groups-prefix: the names carry them; a system: user is 403 with a sentence', async () => {
  const warnings: string[] = [];
  const auth = new ProxyAuthenticator(new TrustedPeers(['127.0.0.2/32']), new Set(['corp:octant-admins']), { username: 'corp:', groups: 'corp:' }, (m) => warnings.push(m));
  const bare = new ProxyAuthenticator(new TrustedPeers(['127.0.0.2/32']), new Set(), NO_PREFIXES, (m) => warnings.push(m));
  const servers = [await around(auth), await around(bare)];
  try {
    const carol = await send(servers[0].port, '/', { from: '127.0.0.2', headers: { 'X-Forwarded-User': 'carol', 'X-Forwarded-Groups': 'octant-admins,system:masters' } });
    assert.equal([carol.json.person, carol.json.admin], [{ user: 'corp:carol', groups: ['corp:octant-admins', 'corp:system:masters'] }, true]);
    const masters = await send(servers[1].port, '/', { from: '127.0.0.2', headers: { 'X-Forwarded-User': 'mallory', 'X-Forwarded-Groups': 'dev,system:masters' } });
    assert.equal(masters.json.person, { user: 'mallory', groups: ['dev'] });
    const admin = await send(servers[1].port, '/', { from: '127.0.0.2', headers: { 'X-Forwarded-User': 'system:admin' } });
    assert.is(admin.status, 403);
    assert.match(admin.json.message, /X-Forwarded-User starts with "system:".*never acts as such a name.*--proxy-username-prefix/);
    assert.equal(warnings.length, 1, warnings.join('\n'));
  } finally {
    for (const server of servers) await server.close();
  }
});

test('the sign-in form token: valid only with the cookie it was made for, from this server', () => {
  const forms = new FormTokens();
  const { cookie, field } = forms.issue();
  assert.ok(forms.valid(cookie, field));
  assert.not.ok(forms.valid(forms.issue().cookie, field));
  assert.not.ok(forms.valid(cookie, forms.issue().field));
  assert.not.ok(new FormTokens().valid(cookie, field), 'another launch');
  assert.not.ok(forms.valid(undefined, field));
  assert.not.ok(forms.valid(cookie, ''));
});

test('sessions: one person signing in over and over ends only their own oldest, never anyone else\'s', () => {
  const clock = new VirtualClock(0);
  const store = new SessionStore(clock, 200);
  const ended: string[] = [];
  store.onEnded((caller) => ended.push(caller.person!.user));
  const caller = (user: string): Caller => ({ mode: 'kube-token', person: { user, groups: [] }, admin: false, signOut: '/auth/sign-out' });
  const bob = store.start(caller('bob'), 9000) as string;
  const mallory = Array.from({ length: 1000 }, () => store.start(caller('mallory'), 9000) as string);
  assert.is(store.size, MAX_SESSIONS_PER_PERSON + 1);
  assert.ok('session' in store.find(bob), "bob's session is still there");
  assert.ok('session' in store.find(mallory.at(-1)), "mallory's newest is there");
  assert.equal(store.find(mallory[0]), { problem: 'ended' }, "mallory's oldest went");
  assert.equal([...new Set(ended)], ['mallory'], 'only hers were ended');
  store.close();
});

test("sessions: a full store makes room from whoever holds the most, so identities signing in up to their share push out only each other's, and nobody is locked out", () => {
  const clock = new VirtualClock(0);
  const store = new SessionStore(clock, 4 * MAX_SESSIONS_PER_PERSON);
  const ended: string[] = [];
  store.onEnded((caller) => ended.push(caller.person!.user));
  const caller = (user: string): Caller => ({ mode: 'kube-token', person: { user, groups: [] }, admin: false, signOut: '/auth/sign-out' });
  const bob = store.start(caller('bob'), SESSION_MS) as string;
  const carol = [1, 2].map(() => store.start(caller('carol'), SESSION_MS) as string);
  // four identities the cluster accepts, each signing in up to its share and on and on: the store stays full
  for (let i = 0; i < 10 * MAX_SESSIONS_PER_PERSON; i++) assert.type(store.start(caller(`mallory-${i % 4}`), SESSION_MS), 'string');
  assert.is(store.size, 4 * MAX_SESSIONS_PER_PERSON);
  assert.type(store.start(caller('alice'), SESSION_MS), 'string', 'a newcomer signs in');
  clock.advanceTo(SESSION_MS - 60_000);
  for (let i = 0; i < 2 * MAX_SESSIONS_PER_PERSON; i++) store.start(caller(`mallory-${i % 4}`), SESSION_MS + clock.now());
  const alice = store.start(caller('alice'), SESSION_MS + clock.now());
  assert.type(alice, 'string', 'and again a working day later, the store full all along');
  for (const kept of [bob, ...carol, alice as string]) assert.ok('session' in store.find(kept), 'people with a session or two keep theirs');
  assert.equal([...new Set(ended)].sort(), ['mallory-0', 'mallory-1', 'mallory-2', 'mallory-3'], "only the identities that filled it lost sessions");
  store.close();
});

test('sessions: a full store takes the newcomer\'s own oldest when they hold the most too; refuses when nobody holds more than one, sign-outs included', () => {
  const clock = new VirtualClock(0);
  const store = new SessionStore(clock, 4);
  const ended: string[] = [];
  store.onEnded((caller) => ended.push(caller.person!.user));
  const caller = (user: string): Caller => ({ mode: 'kube-token', person: { user, groups: [] }, admin: false, signOut: '/auth/sign-out' });
  const xs = ['x', 'x'].map((user) => store.start(caller(user), 9000) as string);
  const ys = ['y', 'y'].map((user) => store.start(caller(user), 9000) as string);
  assert.type(store.start(caller('y'), 9000), 'string');
  assert.equal(ended, ['y'], 'y would hold the most: their own oldest went, not x\'s');
  assert.equal(store.find(ys[0]), { problem: 'ended' });
  for (const kept of xs) assert.ok('session' in store.find(kept));
  store.end(xs[0]);
  store.end(ys[1]);
  for (const user of ['z', 'u']) store.start(caller(user), 9000);
  assert.is(store.size, 4);
  assert.equal(store.start(caller('w'), 9000), STORE_FULL, 'x, y, z and u hold one each (x and y after a sign-out): the newcomer waits');
  assert.is(store.size, 4);
  store.close();
});

test("sessions: a full store sweeps out those whose end passed before their timer fired (a busy process), whenever one may have", () => {
  let now = 0;
  const lateTimers = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
  const store = new SessionStore(lateTimers, 2);
  const ended: string[] = [];
  store.onEnded((caller, how) => ended.push(`${caller.person!.user} ${how}`));
  const caller = (user: string): Caller => ({ mode: 'kube-token', person: { user, groups: [] }, admin: false, signOut: '/auth/sign-out' });
  store.start(caller('x'), 4000);
  store.start(caller('y'), 1000);
  now = 2000;
  assert.type(store.start(caller('z'), 9000), 'string', "y's session had ended: room");
  now = 5000;
  const v = store.start(caller('v'), 9000) as string;
  assert.type(v, 'string', "x's, kept through the last sweep, had ended since: room");
  store.end(v);
  assert.type(store.start(caller('w'), 6000), 'string', 'a JWT that ends sooner than those kept');
  now = 7000;
  assert.type(store.start(caller('u'), 9000), 'string', "w's session had ended: room");
  assert.equal(ended, ['y ended', 'x ended', 'v ended', 'w ended']);
  assert.equal(store.start(caller('t'), 9000), STORE_FULL, 'none ended: the newcomer waits');
  store.close();
});

test('signed OIDC flows: any replica with the key takes the cookie, each once; another key, a change or 10 minutes, none; another state leaves it', () => {
  let clock = 0;
  const key = new Uint8Array(32).fill(3);
  const here = new SignedFlows(key, () => clock);
  const there = new SignedFlows(key, () => clock);
  const { cookie, flow, challenge } = here.begin('/sessions');
  assert.match(challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.is(there.take(cookie, 'x'.repeat(43)), 'otherState');
  assert.equal(there.take(cookie, flow.state), flow, 'another replica with the key, after an answer with another state');
  assert.is(there.take(cookie, flow.state), undefined, 'one use there');
  assert.equal(here.take(cookie, flow.state), flow, 'unused here yet: the provider stops that replay (its code is used)');
  const other = here.begin('/');
  assert.is(new SignedFlows(new Uint8Array(32).fill(4), () => clock).take(other.cookie, other.flow.state), undefined, 'another key');
  assert.is(here.take(undefined, flow.state), undefined);
  assert.is(here.take('f1.e30.' + 'A'.repeat(43), flow.state), undefined, 'a MAC that does not match');
  const late = here.begin('/');
  clock = FLOW_MS;
  assert.is(there.take(late.cookie, late.flow.state), undefined, 'expired');
});

test('used states: each once until its flow expires, and a bounded memory', () => {
  let clock = 0;
  const used = new UsedStates(() => clock, 3);
  assert.ok(used.use('s1', 10));
  assert.not.ok(used.use('s1', 10));
  for (const state of ['s2', 's3', 's4']) used.use(state, 10);
  assert.is(used.size, 3, 'at most max');
  assert.ok(used.use('s1', 10), 'the oldest was forgotten past the bound');
  clock = 10;
  used.use('s5', 20);
  assert.is(used.size, 1, 'expired ones go first');
});

test('sign-in limits per address: one address used up leaves the others theirs, under a ceiling for all, in a bounded map', () => {
  let clock = 0;
  const limits = new PeerLimits({ rate: 1, burst: 3 }, { rate: 10, burst: 8 }, () => clock, 4);
  for (let i = 0; i < 3; i++) assert.is(limits.take('10.0.0.1'), undefined);
  assert.is(limits.take('10.0.0.1'), 'peer');
  assert.is(limits.take('::ffff:10.0.0.1'), 'peer', 'the same address through a dual-stack socket');
  assert.is(limits.take('10.0.0.2'), undefined, 'another address is not held back by the first');
  for (let i = 0; i < 4; i++) limits.take(`10.0.1.${i}`);
  assert.is(limits.take('10.0.0.3'), 'everyone', 'the ceiling for all still holds');
  assert.ok(limits.peers <= 4, 'at most maxPeers buckets');
  clock = 1000;
  assert.is(limits.take('10.0.0.9'), undefined, 'time refills');
  assert.is(peerKey('2001:db8:1:2::5'), peerKey('2001:db8:1:2:ffff::9'), 'an IPv6 /64 is one peer');
  assert.is.not(peerKey('2001:db8:1:2::5'), peerKey('2001:db8:1:3::5'));
  assert.is(peerKey('::ffff:192.0.2.1'), peerKey('192.0.2.1'));
  assert.is(peerKey(undefined), 'unknown');
});

test('OIDC flows: no number of sign-ins begun pushes out one under way (behind an Ingress they all come from one address)', () => {
  const flows = new SignedFlows(new Uint8Array(32).fill(5), () => 0);
  const alice = flows.begin('/sessions');
  for (let i = 0; i < 2 * MAX_USED; i++) flows.begin('/');
  assert.equal(flows.take(alice.cookie, alice.flow.state), alice.flow, "alice's sign-in is still there");
  assert.is(flows.take(alice.cookie, alice.flow.state), undefined, 'and still one use');
});

test('CSRF rule for changes: Origin when sent, else Fetch Metadata; reads always pass', () => {
  const door = new FrontDoor({ token: 't', port: 7788, embedOrigins: ['http://127.0.0.1:7777'], publicOrigins: ['https://exec.example.com'] });
  const req = (method: string, headers: Record<string, string>) => ({ method, headers }) as unknown as IncomingMessage;
  const refused: Record<string, string>[] = [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'http://exec.example.com' }];
  for (const headers of refused) {
    assert.ok(crossSiteProblem(req('POST', headers), door), JSON.stringify(headers));
  }
  const passed: Record<string, string>[] = [{}, { origin: 'http://127.0.0.1:7788' }, { origin: 'https://exec.example.com', 'sec-fetch-site': 'same-origin' }, { origin: 'http://127.0.0.1:7777', 'sec-fetch-site': 'same-site' }, { 'sec-fetch-site': 'same-origin' }];
  for (const headers of passed) {
    assert.is(crossSiteProblem(req('POST', headers), door), undefined, JSON.stringify(headers));
  }
  assert.is(crossSiteProblem(req('GET', { origin: 'https://evil.example' }), door), undefined);
  assert.ok(door.hostAllowed('exec.example.com') && door.originAllowed('https://exec.example.com'), '--public-url is allowed as Host and Origin');
  assert.not.ok(door.hostAllowed('exec.example.com:7788'));
  // a pod's own address as Host (a request from elsewhere in the cluster): told where people reach it
  assert.is(door.hostRefusal, 'This Host is not allowed: open octant-exec at https://exec.example.com.');
  assert.match(new FrontDoor({ token: 't', port: 7788 }).hostRefusal, /through the URL it printed \(127\.0\.0\.1 or localhost\)\.$/, 'local mode: the printed URL');
});

test('where a sign-in sends the browser on: a path of this server, never another site', () => {
  for (const ok of ['/', '/sessions', '/embed/', '/batches', '/?namespace=default&pod=web&tab=t3', '/embed?namespace=batch&pod=worker-0&container=main', '/?context=kind-kind%2Fx']) assert.is(localPath(ok), ok);
  for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'sessions', '/a b', '/x?y"><script>', '/x?a b', '//x?y', null, undefined, `/${'a'.repeat(1000)}`]) assert.is(localPath(bad), '/', String(bad));
  // not the API (its GETs are refused when another site sent the browser; the sign-in's own page would not be) nor the sign-in's paths
  for (const notAPage of ['/api/v1/files/download?namespace=prod&pod=db-0&path=%2Fetc', '/api/v1/info', '/auth/sign-out', '/app.js', '/sessions/x']) assert.is(localPath(notAPage), '/', notAPage);
});

test('a start refuses a sign-in setup that cannot work, in a sentence, before anything starts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-auth-settings-'));
  try {
    const secret = join(dir, 'secret');
    writeFileSync(secret, 's3cret\n', { mode: 0o600 });
    const oidc = { mode: 'oidc' as const, issuer: 'https://login.example.com', clientId: 'octant-exec', clientSecretFile: secret };
    assert.equal(authSettings(oidc), { mode: 'oidc', issuer: oidc.issuer, clientId: 'octant-exec', clientSecret: 's3cret', usernameClaim: 'sub', groupsClaim: 'groups', prefixes: NO_PREFIXES, sessionMs: SESSION_MS });
    assert.equal((authSettings({ ...oidc, usernamePrefix: 'oidc:', groupsPrefix: '-' }) as { prefixes: unknown }).prefixes, { username: 'oidc:', groups: '' }, '"-" is none, as for kube-apiserver');
    assert.equal(authSettings({ mode: 'kube-token' }), { mode: 'kube-token', sessionMs: SESSION_MS });
    const cases: [unknown, RegExp][] = [
      [{ mode: 'proxy', trustedProxies: [] }, /needs --trusted-proxy/],
      [{ mode: 'proxy', trustedProxies: ['nope'] }, /--trusted-proxy: "nope" is not an address range/],
      [{ mode: 'oidc', issuer: '', clientId: '', clientSecretFile: '' }, /needs --oidc-issuer URL, --oidc-client-id ID, --oidc-client-secret-file FILE/],
      [{ ...oidc, issuer: 'http://login.example.com' }, /must be https/],
      [{ ...oidc, issuer: 'https://login.example.com/?x=1' }, /without a query/],
      [{ ...oidc, clientSecretFile: join(dir, 'missing') }, /cannot be read: ENOENT/],
      [{ ...oidc, usernameClaim: 'a b' }, /--oidc-username-claim takes a claim name/],
      [{ mode: 'ldap' }, /--auth takes local, proxy, oidc or kube-token/],
      [{ ...oidc, usernamePrefix: 'system:' }, /--oidc-username-prefix must not start with "system:"/],
      [{ mode: 'proxy', trustedProxies: ['127.0.0.1'], groupsPrefix: 'system:x:' }, /--proxy-groups-prefix must not start with "system:"/],
      [{ mode: 'proxy', trustedProxies: ['127.0.0.1'], usernamePrefix: 'a\u200b' }, /--proxy-username-prefix must be printable/],
      [{ mode: 'kube-token', sessionMs: SESSION_MS + 1 }, /a session lasts at most 8 hours/],
    ];
    writeFileSync(join(dir, 'empty'), '\n', { mode: 0o600 });
    cases.push([{ ...oidc, clientSecretFile: join(dir, 'empty') }, /must hold the client secret alone/]);
    // checked as --token-file and --session-key-file are (private-file.ts), with the same sentence
    const loose = join(dir, 'loose');
    writeFileSync(loose, 's3cret\n');
    chmodSync(loose, 0o644);
    cases.push([{ ...oidc, clientSecretFile: loose }, new RegExp(`^--oidc-client-secret-file ${loose} may be read by every user of this machine \\(mode 0644\\): chmod 600 ${loose} \\(from a Kubernetes Secret`)]);
    for (const [options, message] of cases) assert.throws(() => authSettings(options as never), message, JSON.stringify(options));
    assert.ok(authSettings({ ...oidc, issuer: 'http://127.0.0.1:5556/dex' }), 'http on loopback, for development');
    const state = join(dir, 'state');
    await startOctantExec({ stateDir: state, sandbox: true, port: 0, auth: { mode: 'proxy', trustedProxies: [] } }).then(
      () => assert.unreachable('started'),
      (error: Error) => assert.match(error.message, /--auth proxy needs --trusted-proxy/),
    );
    await startOctantExec({ stateDir: state, sandbox: true, port: 0, publicUrl: 'https://exec.example.com/path' }).then(
      () => assert.unreachable('started'),
      (error: Error) => assert.match(error.message, /--public-url is the origin people open/),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kube-token: a session ends 8 hours after sign-in however busy, told when it ends; a cluster that cannot review tokens is a 502 that says why', async () => {
  const clock = new VirtualClock(1_000_000);
  let review: () => Promise<TokenReviewResult> = async () => ({ authenticated: true, username: 'alice', groups: ['dev'] });
  const warnings: string[] = [];
  const auth = new KubeTokenAuthenticator({ door: new FrontDoor({ token: 't', port: 1 }), adminGroups: new Set(), secure: true, review: () => review(), warn: (m) => warnings.push(m), clock });
  const ended: Caller[] = [];
  auth.onEnded((caller) => ended.push(caller));
  const server = await around(auth);
  const token = 'eyJhbGciOiJSUzI1NiJ9.a-token.sig';
  const signIn = async () => {
    const jar = new Jar();
    const page = await send(server.port, '/auth/sign-in');
    assert.match(page.cookies[0], /^__Host-octant_exec_form=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=3600; Secure$/);
    jar.take(page.cookies);
    const answer = await send(server.port, '/auth/sign-in', { body: new URLSearchParams({ ...formOf(page.body).fields, token }).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: jar.header() } });
    return { answer, jar: jar.take(answer.cookies) };
  };
  try {
    const { answer, jar } = await signIn();
    assert.is(answer.status, 303);
    assert.match(answer.cookies.join('\n'), /Max-Age=28800; Secure/);
    clock.advanceBy(SESSION_MS - 1);
    assert.is((await send(server.port, '/', { headers: { Cookie: jar.header() } })).json.person.user, 'alice');
    assert.is(ended.length, 0);
    clock.advanceBy(1);
    assert.is(ended.length, 1, 'the end is told when it comes, without a request (the sockets close then)');
    const late = await send(server.port, '/', { headers: { Cookie: jar.header() } });
    assert.is(late.status, 401);
    assert.match(late.json.message, /Your sign-in has ended/);
    review = async () => {
      throw new TokenReviewFailed(403, 'the API server answered the TokenReview with HTTP 403: tokenreviews.authentication.k8s.io is forbidden');
    };
    const forbidden = (await signIn()).answer;
    assert.is(forbidden.status, 502);
    assert.match(forbidden.body, /may not create tokenreviews/);
    assert.ok(warnings.some((w) => /could not check a token: .*HTTP 403/.test(w)));
    review = async () => ({ authenticated: true, username: 'alice\nforged-audit-line', groups: [] });
    assert.is((await signIn()).answer.status, 400);
    assert.not.ok(warnings.some((w) => w.includes(token)), 'no log line has the token');
    // The cluster's own groups are taken as they are, system: ones included: the token already is that identity.
    review = async () => ({ authenticated: true, username: 'dora', groups: ['system:masters', 'system:authenticated'] });
    const dora = await signIn();
    assert.equal((await send(server.port, '/', { headers: { Cookie: dora.jar.header() } })).json.person, { user: 'dora', groups: ['system:masters', 'system:authenticated'] });
    // but for a group a header would change: dropped and logged by name, as the other modes do, not the whole sign-in refused
    review = async () => ({ authenticated: true, username: 'erin', groups: ['dev', 'admins '] });
    const erin = await signIn();
    assert.is(erin.answer.status, 303, erin.answer.body);
    assert.equal((await send(server.port, '/', { headers: { Cookie: erin.jar.header() } })).json.person, { user: 'erin', groups: ['dev'] });
    assert.ok(warnings.some((w) => w.startsWith('kube-token sign-in: dropped the groups "admins " from the TokenReview\'s groups: a name that starts or ends with white space')), warnings.join('\n'));
  } finally {
    auth.close();
    await server.close();
  }
});

test('the session cookie: __Host-octant_exec_session when Secure (https), octant_exec_session on http; each mode reads only its own name', async () => {
  const review = async (): Promise<TokenReviewResult> => ({ authenticated: true, username: 'alice', groups: [] });
  const make = (secure: boolean) => new KubeTokenAuthenticator({ door: new FrontDoor({ token: 't', port: 1 }), adminGroups: new Set(), secure, review, warn: () => {} });
  const auths = [make(true), make(false)];
  const servers = [await around(auths[0]), await around(auths[1])];
  const signIn = async (port: number) => {
    const jar = new Jar();
    const page = await send(port, '/auth/sign-in');
    jar.take(page.cookies);
    const answer = await send(port, '/auth/sign-in', { body: new URLSearchParams({ ...formOf(page.body).fields, token: 'a.b.c' }).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: jar.header() } });
    return answer.cookies.find((c) => c.includes('octant_exec_session='))!;
  };
  try {
    const secure = await signIn(servers[0].port);
    assert.match(secure, /^__Host-octant_exec_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=28800; Secure$/);
    assert.not.match(secure, /Domain=/i);
    const plain = await signIn(servers[1].port);
    assert.match(plain, /^octant_exec_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=28800$/);
    const id = (line: string) => line.split(';')[0].split('=')[1];
    assert.is((await send(servers[0].port, '/', { headers: { Cookie: `__Host-octant_exec_session=${id(secure)}` } })).status, 200);
    assert.is((await send(servers[0].port, '/', { headers: { Cookie: `octant_exec_session=${id(secure)}` } })).status, 401, 'over https the unprefixed name (which a sibling subdomain could set) is not read');
    const out = await send(servers[0].port, '/auth/sign-out', { method: 'POST', headers: { Cookie: `__Host-octant_exec_session=${id(secure)}`, Accept: 'application/json' } });
    assert.match(out.cookies.join('\n'), /^__Host-octant_exec_session=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0; Secure$/m);
  } finally {
    for (const auth of auths) auth.close();
    for (const server of servers) await server.close();
  }
});

test.run();

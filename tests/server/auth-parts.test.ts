// The sign-in modes' parts, each on its own: trusted proxy ranges, the names a person may have,
// sessions and their fixed lifetimes, the sign-in form's CSRF tokens, OIDC flows (one use), the
// CSRF rule for changes, the settings a start refuses, and kube-token's answers when the clock
// runs out or the cluster cannot check a token.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustedPeers } from '../../src/server/auth/trusted-peers.ts';
import { MAX_GROUPS, nameProblem, personFrom } from '../../src/server/auth/person-names.ts';
import { SessionStore } from '../../src/server/auth/sessions.ts';
import { FormTokens } from '../../src/server/auth/form-tokens.ts';
import { OidcFlows, FLOW_MS } from '../../src/server/auth/oidc-flows.ts';
import { crossSiteProblem } from '../../src/server/auth/same-origin.ts';
import { localPath } from '../../src/server/auth/local-path.ts';
import { authSettings } from '../../src/server/auth/auth-settings.ts';
import { KubeTokenAuthenticator, KUBE_TOKEN_SESSION_MS } from '../../src/server/auth/kube-token-auth.ts';
import type { Authenticator } from '../../src/server/auth/authenticator.ts';
import { TokenReviewFailed, type TokenReviewResult } from '../../src/adapters/kubernetes/token-review.ts';
import { FrontDoor } from '../../src/server/security.ts';
import type { Caller } from '../../src/server/caller.ts';
import { startOctantExec } from '../../src/server/app.ts';
import { Jar, formOf, send } from './auth-support.ts';

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

test('names from outside: control characters, bad UTF-8, over 256 characters, over 100 groups are refused, duplicates merged', () => {
  assert.is(nameProblem('alice@example.com'), undefined);
  assert.is(nameProblem('system:serviceaccount:ns:name'), undefined);
  for (const bad of ['', 'a\nb', 'a\u0000', 'a\u0085', 'bad\ufffd', 'x'.repeat(257)]) assert.ok(nameProblem(bad), JSON.stringify(bad));
  const source = { user: 'U', groups: 'G' };
  assert.equal(personFrom('alice', ['dev', 'dev', 'ops'], source), { user: 'alice', groups: ['dev', 'ops'] });
  assert.match((personFrom('alice', Array.from({ length: MAX_GROUPS + 1 }, (_, i) => `g${i}`), source) as { problem: string }).problem, /G lists more than 100 groups/);
  const problem = (personFrom('alice', ['ok', 'bad\u0007secret'], source) as { problem: string }).problem;
  assert.match(problem, /A group in G has control characters/);
  assert.not.ok(problem.includes('secret'), 'the value is never repeated');
});

test('sessions: a fixed lifetime, ended at sign-out, the store never holding a usable id, the oldest going when full', () => {
  let clock = 0;
  const store = new SessionStore(() => clock, 3);
  const ended: Caller[] = [];
  store.onEnded((caller) => ended.push(caller));
  const caller = (user: string): Caller => ({ mode: 'kube-token', person: { user, groups: [] }, admin: false, signOut: '/auth/sign-out' });
  const alice = caller('alice');
  const id = store.start(alice, 1000);
  assert.match(id, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(store.find(id), { session: { caller: alice, expiresAt: 1000 } });
  clock = 999;
  assert.ok('session' in store.find(id), 'use does not extend it, and it holds until its end');
  clock = 1000;
  assert.equal(store.find(id), { problem: 'ended' });
  assert.equal(ended, [alice], 'an expiry met is told like a sign-out');
  assert.equal(store.find(undefined), { problem: 'missing' });
  assert.equal(store.find('made-up'), { problem: 'ended' });
  const bob = caller('bob');
  const bobId = store.start(bob, 5000);
  assert.is(store.end(bobId)?.caller, bob);
  assert.equal(store.find(bobId), { problem: 'ended' });
  const ids = ['a', 'b', 'c', 'd'].map((name) => store.start(caller(name), 5000));
  assert.is(store.size, 3);
  assert.equal(store.find(ids[0]), { problem: 'ended' }, 'the oldest went when the store was full');
  assert.ok('session' in store.find(ids[3]));
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

test('OIDC flows: one use, bound to the flow cookie, gone after 10 minutes', () => {
  let clock = 0;
  const flows = new OidcFlows(() => clock);
  const { cookie, flow, challenge } = flows.begin('/sessions');
  assert.match(challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.not.equal(flow.state, flow.nonce);
  assert.is(flows.take('another-cookie'), undefined);
  assert.equal(flows.take(cookie), flow);
  assert.is(flows.take(cookie), undefined, 'one use');
  const late = flows.begin('/');
  clock = FLOW_MS;
  assert.is(flows.take(late.cookie), undefined);
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
});

test('where a sign-in sends the browser on: a path of this server, never another site', () => {
  for (const ok of ['/', '/sessions', '/embed/', '/batches']) assert.is(localPath(ok), ok);
  for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'sessions', '/a b', '/x?y', null, undefined, `/${'a'.repeat(300)}`]) assert.is(localPath(bad), '/', String(bad));
});

test('a start refuses a sign-in setup that cannot work, in a sentence, before anything starts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-auth-settings-'));
  try {
    const secret = join(dir, 'secret');
    writeFileSync(secret, 's3cret\n');
    const oidc = { mode: 'oidc' as const, issuer: 'https://login.example.com', clientId: 'octant-exec', clientSecretFile: secret };
    assert.equal(authSettings(oidc), { mode: 'oidc', issuer: oidc.issuer, clientId: 'octant-exec', clientSecret: 's3cret', usernameClaim: 'sub', groupsClaim: 'groups' });
    const cases: [unknown, RegExp][] = [
      [{ mode: 'proxy', trustedProxies: [] }, /needs --trusted-proxy/],
      [{ mode: 'proxy', trustedProxies: ['nope'] }, /--trusted-proxy: "nope" is not an address range/],
      [{ mode: 'oidc', issuer: '', clientId: '', clientSecretFile: '' }, /needs --oidc-issuer URL, --oidc-client-id ID, --oidc-client-secret-file FILE/],
      [{ ...oidc, issuer: 'http://login.example.com' }, /must be https/],
      [{ ...oidc, issuer: 'https://login.example.com/?x=1' }, /without a query/],
      [{ ...oidc, clientSecretFile: join(dir, 'missing') }, /cannot be read: ENOENT/],
      [{ ...oidc, usernameClaim: 'a b' }, /--oidc-username-claim takes a claim name/],
      [{ mode: 'ldap' }, /--auth takes local, proxy, oidc or kube-token/],
    ];
    writeFileSync(join(dir, 'empty'), '\n');
    cases.push([{ ...oidc, clientSecretFile: join(dir, 'empty') }, /must hold the client secret alone/]);
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

/** A bare HTTP server around one Authenticator: its routes, else who the caller is. */
async function around(auth: Authenticator): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    if (await auth.route(req, res, new URL(req.url ?? '/', 'http://x'))) return;
    const verdict = auth.identify(req);
    res.writeHead('caller' in verdict ? 200 : verdict.refused.status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify('caller' in verdict ? verdict.caller : verdict.refused));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

test('kube-token: a session ends 8 hours after sign-in however busy; a cluster that cannot review tokens is a 502 that says why', async () => {
  let clock = 1_000_000;
  let review: () => Promise<TokenReviewResult> = async () => ({ authenticated: true, username: 'alice', groups: ['dev'] });
  const warnings: string[] = [];
  const auth = new KubeTokenAuthenticator({ door: new FrontDoor({ token: 't', port: 1 }), adminGroups: new Set(), secure: true, review: () => review(), warn: (m) => warnings.push(m), now: () => clock });
  const ended: Caller[] = [];
  auth.onEnded((caller) => ended.push(caller));
  const server = await around(auth);
  const token = 'eyJhbGciOiJSUzI1NiJ9.a-token.sig';
  const signIn = async () => {
    const jar = new Jar();
    const page = await send(server.port, '/auth/sign-in');
    assert.match(page.cookies[0], /^octant_exec_form=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/auth\/sign-in; Max-Age=3600; Secure$/);
    jar.take(page.cookies);
    const answer = await send(server.port, '/auth/sign-in', { body: new URLSearchParams({ ...formOf(page.body).fields, token }).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: jar.header() } });
    return { answer, jar: jar.take(answer.cookies) };
  };
  try {
    const { answer, jar } = await signIn();
    assert.is(answer.status, 303);
    assert.match(answer.cookies.join('\n'), /Max-Age=28800; Secure/);
    clock += KUBE_TOKEN_SESSION_MS - 1;
    assert.is((await send(server.port, '/', { headers: { Cookie: jar.header() } })).json.person.user, 'alice');
    clock += 1;
    const late = await send(server.port, '/', { headers: { Cookie: jar.header() } });
    assert.is(late.status, 401);
    assert.match(late.json.message, /Your sign-in has ended/);
    assert.is(ended.length, 1);
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
  } finally {
    await server.close();
  }
});

test.run();

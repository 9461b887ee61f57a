// --auth proxy end to end: who a request is comes from X-Forwarded-User/-Groups, and only when
// the TCP peer is a --trusted-proxy (here 127.0.0.2; every other test connection is from
// 127.0.0.1). Forged headers from anyone else, a missing user, bad names: refused, never another
// way in. A comma in the groups header splits, which is why only the proxy may set it. Even the
// proxy cannot make anyone one of Kubernetes' own system: names.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Buffer } from 'node:buffer';
import { startTestApp } from './support.ts';
import { send, upgrade } from './auth-support.ts';

const PROXY = '127.0.0.2';
const warnings: string[] = [];
const app = await startTestApp({ auth: { mode: 'proxy', trustedProxies: ['127.0.0.2/32', 'fd00::/8'] }, adminGroups: ['octant-admins'], warn: (m) => warnings.push(m) });
test.after(() => app.close());

const info = (headers: Record<string, string>, from = PROXY) => send(app.port, '/api/v1/info', { headers, from });

test('through the trusted proxy, a request is the person it names, with their groups trimmed and empties and system: ones dropped', async () => {
  const alice = await info({ 'X-Forwarded-User': 'alice', 'X-Forwarded-Groups': ' dev, ,system:authenticated,', 'X-Forwarded-Email': 'alice@example.com' });
  assert.is(alice.status, 200, alice.body);
  // the API server adds system:authenticated to every impersonated user itself
  assert.equal(alice.json.signedIn, { mode: 'proxy', user: 'alice', groups: ['dev'], admin: false, signOut: null });
  const carol = await info({ 'X-Forwarded-User': 'carol', 'X-Forwarded-Groups': 'octant-admins' });
  assert.equal(carol.json.signedIn, { mode: 'proxy', user: 'carol', groups: ['octant-admins'], admin: true, signOut: null });
  // the proxy sends UTF-8; Node reads header bytes as Latin-1
  const jose = await info({ 'X-Forwarded-User': Buffer.from('josé').toString('latin1') });
  assert.is(jose.json.signedIn.user, 'josé');
});

test('forged X-Forwarded-* headers from a peer that is not the proxy: 401, and no other way in', async () => {
  const forged = await info({ 'X-Forwarded-User': 'carol', 'X-Forwarded-Groups': 'octant-admins' }, '127.0.0.1');
  assert.is(forged.status, 401);
  assert.match(forged.json.error.message, /only from its authenticating proxy/);
  assert.not.match(forged.body, /carol|octant-admins/);
  // local mode's token does not open a proxy-mode server, from anywhere
  assert.is((await info({ Authorization: `Bearer ${app.token}` }, '127.0.0.1')).status, 401);
  assert.is((await info({ Authorization: `Bearer ${app.token}` })).status, 401);
  const signIn = await send(app.port, '/api/v1/session', { from: '127.0.0.1', body: JSON.stringify({ token: app.token }), headers: { 'Content-Type': 'application/json' } });
  assert.is(signIn.status, 401);
  assert.is(signIn.headers['www-authenticate'], undefined, 'no token is asked for: the page offers no token field in a team mode');
});

test('a comma-injected group: two groups when the proxy says it, nothing at all when anyone else does', async () => {
  const proxied = await info({ 'X-Forwarded-User': 'alice', 'X-Forwarded-Groups': 'dev,octant-admins' });
  assert.equal(proxied.json.signedIn.groups, ['dev', 'octant-admins']);
  assert.is(proxied.json.signedIn.admin, true, 'what the proxy says counts: it must be the only one who can say it');
  const forged = await info({ 'X-Forwarded-User': 'alice', 'X-Forwarded-Groups': 'dev,octant-admins' }, '127.0.0.1');
  assert.is(forged.status, 401);
});

test("Unicode white space at a name's end is no HTTP padding: such a group is dropped (never the admins' group), such a user refused", async () => {
  const utf8 = (text: string) => Buffer.from(text).toString('latin1'); // the proxy sends UTF-8
  const seen = warnings.length;
  const padded = await info({ 'X-Forwarded-User': 'mallory', 'X-Forwarded-Groups': utf8('\u00a0octant-admins,dev ,octant-admins\u3000') });
  assert.is(padded.status, 200, padded.body);
  assert.equal(padded.json.signedIn, { mode: 'proxy', user: 'mallory', groups: ['dev'], admin: false, signOut: null });
  assert.is(warnings.slice(seen).filter((w) => /dropped the group .*octant-admins.* white space/.test(w)).length, 2, warnings.slice(seen).join('\n'));
  for (const user of ['alice\u00a0', '\u2003alice']) {
    const refused = await info({ 'X-Forwarded-User': utf8(user) });
    assert.is(refused.status, 400, JSON.stringify(user));
    assert.match(refused.json.error.message, /starts or ends with white space/);
  }
});

test('the proxy without a user header: 401 that says so', async () => {
  const cases: Record<string, string>[] = [{}, { 'X-Forwarded-User': '  ' }, { 'X-Forwarded-Email': 'alice@example.com', 'X-Forwarded-Groups': 'dev' }];
  for (const headers of cases) {
    const answer = await info(headers);
    assert.is(answer.status, 401, JSON.stringify(headers));
    assert.match(answer.json.error.message, /X-Forwarded-User/);
  }
});

test('control characters, bytes that are not UTF-8, over-long names, too many groups, a repeated user, one with a comma and a space (two values joined): refused; a DN with bare commas is a name', async () => {
  const cases: Record<string, string>[] = [
    { 'X-Forwarded-User': 'ali\tce' },
    { 'X-Forwarded-User': 'alice\x85' },
    { 'X-Forwarded-User': 'a'.repeat(257) },
    { 'X-Forwarded-User': 'alice', 'X-Forwarded-Groups': `dev,${'g'.repeat(257)}` },
    { 'X-Forwarded-User': 'alice', 'X-Forwarded-Groups': 'dev,ops\there' },
    { 'X-Forwarded-User': 'alice', 'X-Forwarded-Groups': Array.from({ length: 101 }, (_, i) => `g${i}`).join(',') },
    { 'X-Forwarded-User': 'alice', 'X-Forwarded-Email': 'alice\t@example.com' },
  ];
  for (const headers of cases) {
    const answer = await info(headers);
    assert.is(answer.status, 400, JSON.stringify(headers).slice(0, 80));
    assert.ok(answer.json.error.message.length > 20);
    assert.not.ok(answer.body.includes('ggggg') || answer.body.includes('aaaaa'), 'the value is not echoed');
  }
  assert.is((await info({ 'X-Forwarded-User': 'alice', 'X-Forwarded-Groups': Array.from({ length: 100 }, (_, i) => `g${i}`).join(',') })).status, 200, '100 groups are fine');
  // as long as names may be: 25 KiB of groups, past node:http's default 16 KiB of headers
  const longest = Array.from({ length: 100 }, (_, i) => `${i}-`.padEnd(256, 'g')).join(',');
  assert.is((await info({ 'X-Forwarded-User': 'alice', 'X-Forwarded-Groups': longest })).status, 200, '100 groups of 256 characters are fine too');
  const twice = await new Promise<number>((resolve, reject) => {
    import('node:http').then(({ request }) => {
      const req = request({ host: '127.0.0.1', port: app.port, path: '/api/v1/info', localAddress: PROXY, headers: { Host: app.host, 'X-Forwarded-User': ['alice', 'carol'] } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
  });
  assert.is(twice, 400);
  // a proxy that appends its header to the browser's on one line: one header, two users
  for (const user of ['mallory, alice', 'mallory,\talice', 'mallory,  alice', 'mallory, ', 'mallory,']) {
    const appended = await info({ 'X-Forwarded-User': user, 'X-Forwarded-Groups': 'dev' });
    assert.is(appended.status, 400, user);
    assert.match(appended.json.error.message, /^X-Forwarded-User holds a comma followed by a space or tab, or ends with a comma, as a proxy that adds its header to the browser's instead of replacing it joins the two/);
    assert.not.ok(appended.body.includes('mallory'), 'the value is not echoed');
  }
  // a comma alone is part of the name: a client certificate's DN as nginx's $ssl_client_s_dn passes it (RFC 2253)
  const dn = await info({ 'X-Forwarded-User': 'CN=alice,O=Example', 'X-Forwarded-Groups': 'dev' });
  assert.is(dn.status, 200, dn.body);
  assert.is(dn.json.signedIn.user, 'CN=alice,O=Example');
});

test("a proxy cannot make anyone Kubernetes' own: a system: user is refused with a sentence, system:masters and its kin are dropped", async () => {
  const before = warnings.length;
  const mallory = await info({ 'X-Forwarded-User': 'mallory', 'X-Forwarded-Groups': 'dev,system:masters,system:nodes' });
  assert.is(mallory.status, 200, mallory.body);
  assert.equal(mallory.json.signedIn.groups, ['dev'], 'no header makes anyone cluster-admin');
  await info({ 'X-Forwarded-User': 'mallory', 'X-Forwarded-Groups': 'system:masters' });
  const said = warnings.slice(before);
  assert.equal(said.filter((w) => w.includes('"system:masters"')).length, 1, `once per group: ${said.join('\n')}`);
  assert.match(said.join('\n'), /proxy sign-in: dropped the group "system:nodes" from X-Forwarded-Groups/);
  for (const user of ['system:admin', 'system:kube-controller-manager', 'system:serviceaccount:kube-system:default']) {
    const refused = await info({ 'X-Forwarded-User': user, 'X-Forwarded-Groups': 'dev' });
    assert.is(refused.status, 403, user);
    assert.match(refused.json.error.message, /The user name in X-Forwarded-User starts with "system:", which Kubernetes keeps for its own components and service accounts: octant-exec never acts as such a name/);
    assert.is((await upgrade(app.port, { 'X-Forwarded-User': user }, { from: PROXY })).status, 403);
  }
  // a zero-width space: alice\u200b would show as alice on the Audit page
  const invisible = await info({ 'X-Forwarded-User': Buffer.from('alice\u200b').toString('latin1') });
  assert.is(invisible.status, 400);
  assert.match(invisible.json.error.message, /invisible formatting characters/);
});

test('socket upgrades take the person from the proxy too; forged headers get 401', async () => {
  assert.is((await upgrade(app.port, { 'X-Forwarded-User': 'alice', 'X-Forwarded-Groups': 'dev' }, { from: PROXY })).status, 101);
  const forged = await upgrade(app.port, { 'X-Forwarded-User': 'alice' }, { from: '127.0.0.1' });
  assert.is(forged.status, 401);
  assert.is((await upgrade(app.port, {}, { from: PROXY })).status, 401);
  assert.is((await upgrade(app.port, { 'X-Forwarded-User': 'alice', Origin: 'http://evil.example' }, { from: PROXY })).status, 403);
});

test('CSRF: a change sent by another site is refused even with the proxy vouching for the person', async () => {
  const alice = { 'X-Forwarded-User': 'alice', 'X-Forwarded-Groups': 'dev' };
  const post = (headers: Record<string, string>) => send(app.port, '/api/v1/sessions/close-ended', { method: 'POST', headers: { ...alice, ...headers }, from: PROXY });
  assert.is((await post({ Origin: 'https://evil.example' })).status, 403);
  const crossSite = await post({ 'Sec-Fetch-Site': 'cross-site' });
  assert.is(crossSite.status, 403);
  assert.match(crossSite.json.error.message, /another site/);
  assert.is((await post({ 'Sec-Fetch-Site': 'same-site' })).status, 403, 'a sibling subdomain is another origin');
  assert.is((await post({ Origin: app.origin, 'Sec-Fetch-Site': 'same-origin' })).status, 200);
  assert.is((await post({})).status, 200, 'a client that is not a browser sends neither');
  assert.is((await send(app.port, '/api/v1/sessions', { headers: { ...alice, 'Sec-Fetch-Site': 'cross-site' }, from: PROXY })).status, 200, 'reading is not a change');
});

test.run();

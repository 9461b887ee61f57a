// --auth oidc end to end against a real OpenID Provider on loopback (the oidc-provider package,
// its development login and consent pages driven with plain HTTP): alice signs in through the
// authorization code flow with PKCE and is alice with her groups; carol is an admin. Then the
// attacks on the flow itself: a replayed callback, a replayed code in a new sign-in, a state that
// does not match, a provider that says no; names the issuer may not give (system:); a flood of
// sign-ins from one address. (Forged ID tokens are in auth-id-token.test.ts.)
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestApp } from './support.ts';
import { Jar, around, send, upgrade } from './auth-support.ts';
import { OidcAuthenticator } from '../../src/server/auth/oidc-auth.ts';
import { NO_PREFIXES } from '../../src/server/auth/asserted-person.ts';
import { FrontDoor } from '../../src/server/security.ts';
import { TestIssuer } from './team-sign-in.ts';

const { CLIENT_ID } = TestIssuer;
// mallory's groups say cluster-admin; system:admin's subject is one of Kubernetes' own names
// eve's group and the last subject hide system: behind a space, which the Impersonate-* header would drop
const idp = await new TestIssuer({ people: { mallory: ['dev', 'system:masters'], 'system:admin': ['dev'], eve: ['dev', ' system:masters'], ' system:kube-controller-manager': ['dev'] } }).listen();
const { issuer } = idp;
const warnings: string[] = [];
const app = await startTestApp({ auth: { mode: 'oidc', issuer, clientId: CLIENT_ID, clientSecretFile: idp.secretFile }, adminGroups: ['octant-admins'], warn: (m) => warnings.push(m) });
await idp.serve(app);
test.after(async () => {
  await app.close();
  await idp.close();
});

test('the sign-in goes to the issuer with PKCE (S256), a state and a nonce, bound to the browser by a short Lax flow cookie', async () => {
  const { start } = await idp.begin();
  assert.is(start.status, 303);
  const to = new URL(String(start.headers.location));
  assert.is(to.origin, issuer);
  const q = Object.fromEntries(to.searchParams);
  assert.equal([q.response_type, q.client_id, q.redirect_uri, q.code_challenge_method], ['code', CLIENT_ID, `${app.origin}/auth/callback`, 'S256']);
  assert.match(q.code_challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.state, /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.nonce, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(q.scope.split(' ').sort(), ['email', 'groups', 'openid']);
  assert.match(start.cookies[0], /^octant_exec_oidc=f1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\/auth\/callback; Max-Age=600$/);
});

test('over https the flow cookie is __Host- (Secure, Path=/), and only that name is read: a plain one planted by a sibling subdomain starts nothing', async () => {
  const secure = new OidcAuthenticator({
    door: new FrontDoor({ token: 't', port: 1 }),
    adminGroups: new Set(),
    secure: true,
    warn: () => {},
    issuer,
    clientId: CLIENT_ID,
    clientSecret: TestIssuer.SECRET,
    redirectUri: `${app.origin}/auth/callback`, // the one registered with the provider
    usernameClaim: 'sub',
    groupsClaim: 'groups',
    prefixes: NO_PREFIXES,
  });
  const server = await around(secure);
  try {
    const start = await send(server.port, '/auth/sign-in?then=/sessions');
    assert.is(start.status, 303);
    assert.match(start.cookies[0], /^__Host-octant_exec_oidc=f1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\/; Max-Age=600; Secure$/);
    const value = start.cookies[0].split(';')[0].split('=')[1];
    const back = await idp.atProvider(String(start.headers.location), 'alice');
    const callback = `/auth/callback${back.search}`;
    // the same flow under the plain name (what a sibling subdomain can set for the parent domain) is no flow here
    const planted = await send(server.port, callback, { headers: { Cookie: `octant_exec_oidc=${value}` } });
    assert.is(planted.status, 400);
    assert.match(planted.body, /This sign-in has expired, was finished already, or was started in another browser/);
    const signedIn = await send(server.port, callback, { headers: { Cookie: `__Host-octant_exec_oidc=${value}` } });
    assert.is(signedIn.status, 200, signedIn.body);
    assert.ok(signedIn.cookies.some((c) => c.startsWith('__Host-octant_exec_session=')), signedIn.cookies.join('\n'));
    assert.ok(signedIn.cookies.some((c) => /^__Host-octant_exec_oidc=; HttpOnly; SameSite=Lax; Path=\/; Max-Age=0; Secure$/.test(c)), 'the flow cookie is dropped');
  } finally {
    secure.close();
    await server.close();
  }
});

test('alice signs in at the real provider and is alice with her groups; the session cookie is Strict and lasts 8 hours, not the 5 minutes of the ID token; the sign-in is logged', async () => {
  const before = warnings.length;
  const { jar, answer } = await idp.signIn('alice');
  assert.is(answer.status, 200, answer.body);
  assert.equal(warnings.slice(before), ['oidc sign-in: "alice" signed in from 127.0.0.1'], 'who, the mode and the peer; never the code or a token');
  assert.match(answer.body, /<meta http-equiv="refresh" content="0;url=\/sessions">/);
  const session = answer.cookies.find((c) => c.startsWith('octant_exec_session='));
  assert.match(session ?? '', /^octant_exec_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=28800$/);
  assert.match(answer.cookies.join('\n'), /octant_exec_oidc=; HttpOnly; SameSite=Lax; Path=\/auth\/callback; Max-Age=0/);
  const info = await send(app.port, '/api/v1/info', { headers: { Cookie: jar.header() } });
  assert.equal(info.json.signedIn, { mode: 'oidc', user: 'alice', groups: ['dev'], admin: false, signOut: '/auth/sign-out' });
  assert.is((await upgrade(app.port, { Cookie: jar.header() })).status, 101);
  const carol = await idp.signIn('carol');
  assert.equal((await send(app.port, '/api/v1/info', { headers: { Cookie: carol.jar.header() } })).json.signedIn, { mode: 'oidc', user: 'carol', groups: ['octant-admins'], admin: true, signOut: '/auth/sign-out' });
});

test('a replayed callback finds no flow; a replayed code in a new sign-in is refused by the provider', async () => {
  const { url, flowJar } = await idp.signIn('alice');
  const replay = await idp.callback(url, flowJar);
  assert.is(replay.status, 400);
  assert.match(replay.body, /expired, was finished already, or was started in another browser/);
  assert.not.ok(replay.cookies.some((c) => /^octant_exec_session=[^;]/.test(c)));
  // a new sign-in (its own state and PKCE verifier) handed the old code
  const { appJar, start } = await idp.begin();
  const injected = new URL(url);
  injected.searchParams.set('state', new URL(String(start.headers.location)).searchParams.get('state')!);
  const answer = await idp.callback(injected, appJar);
  assert.is(answer.status, 401);
  assert.match(answer.body, /refused the sign-in code: invalid_grant/);
  assert.not.ok(warnings.some((w) => w.includes(url.searchParams.get('code')!)), 'the code is not logged');
});

test('a state that is not this browser\'s (refused, and its own sign-in goes on), a callback without the flow cookie, a provider that says no: refused', async () => {
  const { appJar, start } = await idp.begin();
  const url = await idp.atProvider(String(start.headers.location), 'alice');
  const forged = new URL(url);
  forged.searchParams.set('state', 'x'.repeat(43));
  const mismatch = await idp.callback(forged, appJar);
  assert.is(mismatch.status, 400);
  assert.match(mismatch.body, /does not belong to the sign-in this browser has under way \(state\)/);
  assert.not.ok(mismatch.cookies.some((c) => c.includes('Max-Age=0')), 'the flow cookie is kept');
  const own = await idp.callback(url, appJar);
  assert.is(own.status, 200, 'a forged link (or another tab) does not end the sign-in under way');
  assert.ok(own.cookies.some((c) => /^octant_exec_session=[^;]/.test(c)));
  const other = await idp.begin();
  const elsewhere = await idp.atProvider(String(other.start.headers.location), 'alice');
  assert.is((await idp.callback(elsewhere, new Jar())).status, 400, 'another browser (no flow cookie)');
  const refused = await idp.begin();
  const aborted = await idp.atProvider(String(refused.start.headers.location), 'alice', 'abort');
  const denied = await idp.callback(aborted, refused.appJar);
  assert.is(denied.status, 401);
  assert.match(denied.body, /did not sign you in: access_denied/);
});

test("the issuer cannot make anyone Kubernetes' own: a system: subject is refused with a sentence, a system:masters group dropped", async () => {
  const before = warnings.length;
  const mallory = await idp.signIn('mallory');
  assert.is(mallory.answer.status, 200, mallory.answer.body);
  assert.equal((await send(app.port, '/api/v1/info', { headers: { Cookie: mallory.jar.header() } })).json.signedIn.groups, ['dev']);
  assert.ok(warnings.slice(before).some((w) => w.startsWith('oidc sign-in: dropped the group "system:masters" from the ID token\'s groups claim')), warnings.join('\n'));
  const admin = await idp.signIn('system:admin');
  assert.is(admin.answer.status, 403);
  assert.match(admin.answer.body, /The user name in the ID token(&#39;|')s sub claim starts with &#34;system:&#34;, which Kubernetes keeps for its own components and service accounts/);
  assert.match(admin.answer.body, /--oidc-username-prefix/);
  assert.is(admin.jar.get('octant_exec_session'), undefined);
  // a space before system: is no way around it: never trimmed by a header into Kubernetes' own name
  const eve = await idp.signIn('eve');
  assert.is(eve.answer.status, 200, eve.answer.body);
  assert.equal((await send(app.port, '/api/v1/info', { headers: { Cookie: eve.jar.header() } })).json.signedIn.groups, ['dev'], 'the spaced group dropped, as a system: one is');
  assert.ok(warnings.some((w) => w.startsWith('oidc sign-in: dropped the group " system:masters" from the ID token\'s groups claim: a name that starts or ends with white space loses it')), warnings.join('\n'));
  const spacedUser = await idp.signIn(' system:kube-controller-manager');
  assert.is(spacedUser.answer.status, 403, spacedUser.answer.body);
  assert.match(spacedUser.answer.body, /The user name in the ID token(&#39;|')s sub claim starts or ends with white space/);
  assert.is(spacedUser.jar.get('octant_exec_session'), undefined);
});

test('a flood of sign-ins from one address is 429 for that address only: another still signs in', async () => {
  // the refusal itself is read: under load the limit may have refilled by one more request
  const starts: { status: number; body: string }[] = [];
  for (let i = 0; i < 60 && starts.at(-1)?.status !== 429; i++) starts.push((await idp.begin('127.0.0.4')).start);
  assert.is(starts.at(-1)!.status, 429, starts.map((start) => start.status).join(' '));
  assert.match(starts.at(-1)!.body, /Too many sign-ins from your address/);
  const { answer } = await idp.signIn('alice', '127.0.0.5');
  assert.is(answer.status, 200, answer.body);
});

test('sign-out ends the session here and points on to the provider\'s end-session page', async () => {
  const { jar } = await idp.signIn('alice');
  const cross = await send(app.port, '/auth/sign-out', { method: 'POST', headers: { Cookie: jar.header(), Origin: 'https://evil.example' } });
  assert.is(cross.status, 403);
  const out = await send(app.port, '/auth/sign-out', { method: 'POST', headers: { Cookie: jar.header(), Origin: app.origin, Accept: 'application/json' } });
  assert.is(out.status, 200);
  assert.is(out.json.signedOut, true);
  const next = new URL(out.json.next);
  assert.is(next.origin, issuer);
  assert.is(next.searchParams.get('client_id'), CLIENT_ID);
  assert.is((await send(app.port, '/api/v1/info', { headers: { Cookie: jar.header() } })).status, 401);
  const page = await send(app.port, '/auth/sign-out', { method: 'POST', headers: { Origin: app.origin } });
  assert.match(page.body, /<meta http-equiv="refresh" content="0;url=http:\/\/127\.0\.0\.1:\d+\/session\/end\?client_id=octant-exec">/);
});

test.run();

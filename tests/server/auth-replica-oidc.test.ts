// OIDC sign-in across replicas: two real servers in oidc mode with the same session key, behind
// one public address (http://exec.test, as a round-robin proxy would present them), and a real
// OpenID Provider on loopback. The browser is sent to the provider by A and comes back to B: B
// takes the signed flow cookie A made, and the session it starts is that person on A and on B.
// Then what must not pass, each a sign-in error page (never a 500): the same callback again on B
// (its state used), on A (the provider trades a code once), a flow cookie for another sign-in's
// state, a changed one, one from another key, none at all.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { SignedFlows } from '../../src/server/auth/signed-flows.ts';
import { startTestApp, type TestApp } from './support.ts';
import { Jar, send, upgrade, type Answer } from './auth-support.ts';
import { TestIssuer } from './team-sign-in.ts';

const PUBLIC = 'http://exec.test';
const key = randomBytes(32);
const idp = await new TestIssuer().listen();
const auth = { mode: 'oidc' as const, issuer: idp.issuer, clientId: TestIssuer.CLIENT_ID, clientSecretFile: idp.secretFile, sessionKey: key };
const a = await startTestApp({ auth, publicUrl: PUBLIC });
const b = await startTestApp({ auth, publicUrl: PUBLIC });
await idp.serve({ port: a.port, origin: PUBLIC }); // sign-ins begin at A
test.after(async () => {
  await b.close();
  await a.close();
  await idp.close();
});

/** The provider's redirect back, as the proxy in front hands it to `app`. */
function callbackAt(app: TestApp, url: URL, cookie: string): Promise<Answer> {
  return send(app.port, url.pathname + url.search, { headers: { Host: new URL(PUBLIC).host, Cookie: cookie } });
}

async function toProvider(): Promise<{ flowJar: Jar; url: URL }> {
  const { appJar, start } = await idp.begin();
  assert.is(start.status, 303, start.body);
  return { flowJar: appJar, url: await idp.atProvider(String(start.headers.location), 'alice') };
}

function refusedAsExpired(answer: Answer, what: string): void {
  assert.is(answer.status, 400, `${what}: ${answer.body}`);
  assert.match(answer.body, /This sign-in has expired, was finished already, or was started in another browser: sign in again/, what);
  assert.not.ok(answer.cookies.some((c) => /^octant_exec_session=[^;]/.test(c)), `${what}: no session`);
}

test('begun on A, the callback on B signs alice in; her cookie is alice on A and on B', async () => {
  const { appJar, start } = await idp.begin();
  assert.match(start.cookies[0], /^octant_exec_oidc=f1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\/auth\/callback; Max-Age=600$/, 'the flow travels in a signed cookie');
  const url = await idp.atProvider(String(start.headers.location), 'alice');
  const answer = await callbackAt(b, url, appJar.header());
  assert.is(answer.status, 200, answer.body);
  assert.match(answer.cookies.join('\n'), /octant_exec_oidc=; HttpOnly; SameSite=Lax; Path=\/auth\/callback; Max-Age=0/, 'the flow cookie is dropped');
  appJar.take(answer.cookies);
  for (const app of [a, b]) {
    const info = await send(app.port, '/api/v1/info', { headers: { Cookie: appJar.header() } });
    assert.equal(info.json.signedIn, { mode: 'oidc', user: 'alice', groups: ['dev'], admin: false, signOut: '/auth/sign-out' });
    assert.is((await upgrade(app.port, { Cookie: appJar.header() })).status, 101);
  }
});

test('the same callback again: on B its state is used; on A the provider refuses the used code', async () => {
  const { flowJar, url } = await toProvider();
  assert.is((await callbackAt(b, url, flowJar.header())).status, 200);
  refusedAsExpired(await callbackAt(b, url, flowJar.header()), 'again on B');
  const onA = await callbackAt(a, url, flowJar.header());
  assert.is(onA.status, 401, onA.body);
  assert.match(onA.body, /refused the sign-in code: invalid_grant/);
  assert.not.ok(onA.cookies.some((c) => /^octant_exec_session=[^;]/.test(c)));
});

test("another sign-in's flow cookie, a changed one, one from another key, none: a sign-in error page, not a 500", async () => {
  const mine = await toProvider();
  const other = await toProvider();
  const mismatch = await callbackAt(b, mine.url, other.flowJar.header());
  assert.is(mismatch.status, 400, mismatch.body);
  assert.match(mismatch.body, /does not belong to the sign-in this browser has under way \(state\)/);

  const fresh = await toProvider();
  const value = fresh.flowJar.get('octant_exec_oidc')!;
  const [version, payload, mac] = value.split('.');
  const fields = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const changed = `${version}.${Buffer.from(JSON.stringify({ ...fields, then: '/elsewhere' })).toString('base64url')}.${mac}`;
  const foreign = new SignedFlows(randomBytes(32)).begin('/').cookie;
  const bad = { changed, 'cut MAC': value.slice(0, -2), 'another key': foreign, 'another version': `f2${value.slice(2)}`, 'not base64': `f1.${payload}.!!`, 'over-long': value + 'A'.repeat(4000), empty: '' };
  for (const [what, cookie] of Object.entries(bad)) refusedAsExpired(await callbackAt(b, fresh.url, `octant_exec_oidc=${cookie}`), what);
  refusedAsExpired(await callbackAt(b, fresh.url, ''), 'no flow cookie');
  assert.is((await callbackAt(b, fresh.url, fresh.flowJar.header())).status, 200, 'the untouched cookie still works: the bad ones used up nothing');
});

test.run();

// --auth oidc, the command line signed in through the browser: the only way in for it here (the
// server trades no token), against a real OpenID Provider on loopback. A person not signed in goes
// through the provider and comes back to the page; signed in, they allow the command line, which
// then has a session of its own as that person.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestApp } from './support.ts';
import { Jar, send } from './auth-support.ts';
import { TestIssuer } from './team-sign-in.ts';
import { allow, codeOf, pagePath, pkce, trade } from './command-line-support.ts';

const idp = await new TestIssuer().listen();
const warnings: string[] = [];
const app = await startTestApp({ auth: { mode: 'oidc', issuer: idp.issuer, clientId: TestIssuer.CLIENT_ID, clientSecretFile: idp.secretFile }, adminGroups: ['octant-admins'], warn: (m) => warnings.push(m) });
await idp.serve(app);
test.after(async () => {
  await app.close();
  await idp.close();
});

test('GET /auth/sign-in asking for JSON: the browser is the way in; a browser still goes to the provider', async () => {
  const ways = await send(app.port, '/auth/sign-in', { headers: { Accept: 'application/json' } });
  assert.equal([ways.status, ways.json], [200, { mode: 'oidc', commandLine: ['browser'] }]);
  const browser = await send(app.port, '/auth/sign-in');
  assert.is(browser.status, 303);
  assert.ok(String(browser.headers.location).startsWith(idp.issuer));
});

test('not signed in: to the provider and back to the page, then Allow, and the code is a session of alice', async () => {
  const { verifier, challenge } = pkce();
  const away = await send(app.port, pagePath(challenge));
  assert.is(away.status, 303);
  const start = await send(app.port, String(away.headers.location));
  assert.is(start.status, 303, start.body);
  const jar = new Jar().take(start.cookies);
  const back = await idp.callback(await idp.atProvider(String(start.headers.location), 'alice'), jar);
  assert.is(back.status, 200, back.body);
  jar.take(back.cookies);
  const then = /content="0;url=([^"]*)"/.exec(back.body)![1].replace(/&#38;/g, '&');
  assert.is(then, pagePath(challenge), 'back to the page');
  const { page, answer } = await allow(app, jar, challenge);
  assert.match(page.body, /asks to act as <strong>alice<\/strong> \(groups dev\)/);
  const before = warnings.length;
  const traded = await trade(app.port, { code: codeOf(answer), verifier });
  assert.is(traded.status, 200, traded.body);
  assert.equal([traded.json.user, traded.json.groups, traded.json.admin], ['alice', ['dev'], false]);
  const me = await send(app.port, '/api/v1/info', { headers: { Cookie: traded.json.cookie } });
  assert.equal(me.json.signedIn, { mode: 'oidc', user: 'alice', groups: ['dev'], admin: false, signOut: '/auth/sign-out' });
  assert.equal(warnings.slice(before), ['oidc sign-in: "alice" signed in from 127.0.0.1 (the command line, allowed in the browser)']);
});

test('a bearer token is still refused, saying to sign in through the browser', async () => {
  const answer = await send(app.port, '/auth/sign-in', { method: 'POST', headers: { Authorization: 'Bearer some-kubernetes-token' } });
  assert.equal([answer.status, answer.json.error.message], [400, 'This server signs people in through its OpenID provider, in a browser: run `octant-exec sign-in --browser`, which has you allow the command line there.']);
});

test.run();

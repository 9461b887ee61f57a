// --auth kube-token, the command line signed in through the browser (octant-exec sign-in --browser),
// end to end against the sandbox: the person signed in on the page allows it, the browser brings a
// one-time code to the command line's listener on 127.0.0.1, and the code with the PKCE verifier
// is a session of the command line's own, for the same person, as the token exchange answers it.
// Then what must not work: another verifier, a code twice, a changed one, a bad link, a page of
// another origin, a form not ours, a person an admin signed out in between.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestApp } from './support.ts';
import { Jar, formOf, send, upgrade } from './auth-support.ts';
import { FORM, kubeTokenSignIn } from './team-sign-in.ts';
import { allow, codeOf, LISTENER, pagePath, pkce, trade } from './command-line-support.ts';
import { shownCode } from '../../src/protocol/http.ts';

const warnings: string[] = [];
const app = await startTestApp({ auth: { mode: 'kube-token' }, adminGroups: ['octant-admins'], warn: (m) => warnings.push(m) });
test.after(() => app.close());
const { alice, carol } = app.sandbox!.users;
const info = (cookie: string) => send(app.port, '/api/v1/info', { headers: { Cookie: cookie } });
const AGAIN = 'run `octant-exec sign-in --browser` again.';

async function signedIn(token = alice.token): Promise<Jar> {
  const { answer, jar } = await kubeTokenSignIn(app.port, app.origin, token);
  assert.is(answer.status, 303, answer.body);
  return jar;
}

test("the code to compare is the challenge's first 40 bits in Crockford's base32: letters and digits, never the challenge's '-' or '_'", () => {
  assert.is(shownCode('ASNFZ4mr' + 'x'.repeat(35)), '04HM-ASW9'); // 01 23 45 67 89
  assert.is(shownCode('--__----' + 'x'.repeat(35)), 'ZFQZ-ZYZF'); // fb ef ff fb ef
  assert.is(shownCode('AAAAAAAA' + 'x'.repeat(35)), '0000-0000');
  assert.is(shownCode('________' + 'x'.repeat(35)), 'ZZZZ-ZZZZ');
  assert.is.not(shownCode('ASNFZ4mr' + 'x'.repeat(35)), shownCode('ASNFZ5mr' + 'x'.repeat(35)), 'a change in the first 40 bits shows');
});

test('GET /auth/sign-in asking for JSON names the ways in: a token or the browser; a browser still gets the form', async () => {
  const ways = await send(app.port, '/auth/sign-in', { headers: { Accept: 'application/json' } });
  assert.equal([ways.status, ways.json, ways.headers['cache-control']], [200, { mode: 'kube-token', commandLine: ['token', 'browser'] }, 'no-store']);
  const page = await send(app.port, '/auth/sign-in', { headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
  assert.is(page.status, 200);
  assert.match(page.body, /Paste a Kubernetes bearer token/);
});

test('the whole handoff: the page says who and shows the code, Allow redirects to 127.0.0.1 with a code, the code and verifier are a session of alice that works', async () => {
  const jar = await signedIn();
  const { verifier, challenge } = pkce();
  const { page, answer } = await allow(app, jar, challenge);
  assert.match(page.body, /asks to act as <strong>alice<\/strong> \(groups dev, system:authenticated\)/);
  assert.ok(page.body.includes(`<code>${shownCode(challenge)}</code>`), 'the code to compare');
  assert.match(String(page.headers['content-security-policy']), new RegExp(`form-action 'self' http://127\\.0\\.0\\.1:${LISTENER};`), "the form's redirect to the listener is allowed, and no other");
  assert.match(page.cookies[0], /^octant_exec_command_line=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/auth\/command-line; Max-Age=600$/);
  assert.not.match(page.body, /<script/);
  // its form's post keeps the page's Origin (under no-referrer a browser sends `Origin: null`); it is never framed
  assert.equal([page.headers['referrer-policy'], page.headers['x-frame-options']], ['same-origin', 'DENY']);
  assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.match(page.body, /until \d{4}-\d\d-\d\d \d\d:\d\d UTC, when your sign-in in this browser ends \(signing out here does not end it: <code>octant-exec sign-out<\/code> does\)/);
  assert.equal([answer.headers['cache-control'], answer.headers['referrer-policy']], ['no-store', 'no-referrer']);
  const code = codeOf(answer);
  const before = warnings.length;
  const traded = await trade(app.port, { code, verifier });
  assert.is(traded.status, 200, traded.body);
  assert.equal(Object.keys(traded.json), ['cookie', 'user', 'groups', 'admin', 'expiresAt']);
  assert.equal(traded.cookies, [], 'no Set-Cookie: a command line keeps the body');
  assert.match(traded.json.cookie, /^octant_exec_session=[A-Za-z0-9_-]{43}$/);
  assert.not.ok(jar.header().includes(traded.json.cookie), "a session of its own, not the browser's");
  assert.equal([traded.json.user, traded.json.groups, traded.json.admin], ['alice', ['dev', 'system:authenticated'], false]);
  const me = await info(traded.json.cookie);
  assert.equal(me.json.signedIn, { mode: 'kube-token', user: 'alice', groups: ['dev', 'system:authenticated'], admin: false, signOut: '/auth/sign-out' });
  assert.is((await upgrade(app.port, { Cookie: traded.json.cookie, Origin: app.origin })).status, 101);
  assert.equal(warnings.slice(before), ['kube-token sign-in: "alice" signed in from 127.0.0.1 (the command line, allowed in the browser)']);
  assert.not.ok(warnings.some((w) => w.includes(code) || w.includes(verifier) || w.includes(traded.json.cookie.split('=')[1])), 'never a code, a verifier or a cookie');
  const asAdmin = await allow(app, await signedIn(carol.token), challenge);
  assert.match(asAdmin.page.body, /act as <strong>carol<\/strong> \(groups octant-admins, system:authenticated\), <strong>an admin<\/strong>, until/, 'the page says the command line would be an admin');
  const admin = await trade(app.port, { code: codeOf(asAdmin.answer), verifier });
  assert.equal([admin.json.user, admin.json.admin], ['carol', true]);
});

test('not signed in: the page sends the browser to sign in, and the sign-in back to the page', async () => {
  const { challenge } = pkce();
  const away = await send(app.port, pagePath(challenge));
  assert.is(away.status, 303);
  assert.is(away.headers.location, `/auth/sign-in?then=${encodeURIComponent(pagePath(challenge))}`);
  const { answer } = await kubeTokenSignIn(app.port, app.origin, alice.token, { then: pagePath(challenge) });
  assert.is(answer.status, 303, answer.body);
  assert.is(answer.headers.location, pagePath(challenge));
});

test('another verifier, a code used twice, a changed code: 400 saying to sign in again; no WWW-Authenticate', async () => {
  const { verifier, challenge } = pkce();
  const code = codeOf((await allow(app, await signedIn(), challenge)).answer);
  const wrong = await trade(app.port, { code, verifier: pkce().verifier });
  assert.equal([wrong.status, wrong.json.error.message], [400, `This code was given to another command line (the verifier does not match): ${AGAIN}`]);
  assert.is(wrong.headers['www-authenticate'], undefined);
  assert.is((await trade(app.port, { code, verifier })).status, 200, 'a wrong verifier does not use the code up');
  const twice = await trade(app.port, { code, verifier });
  assert.equal([twice.status, twice.json.error.message], [400, `This code was used already: ${AGAIN}`]);
  const [version, payload, mac] = code.split('.');
  const raised = JSON.parse(Buffer.from(payload, 'base64url').toString());
  for (const changed of [`${version}.${Buffer.from(JSON.stringify({ ...raised, user: 'carol' })).toString('base64url')}.${mac}`, `${code}x`, 'h1.e30.AAAA', '']) {
    const answer = await trade(app.port, { code: changed, verifier });
    assert.equal([answer.status, answer.json.error.message], [400, `This code is not one this server gave (it was changed, or another server made it): ${AGAIN}`], changed);
  }
  for (const body of [{ code }, { code, verifier: 'short' }, { code: 1, verifier }, null]) {
    const answer = await trade(app.port, body);
    assert.is(answer.status, 400, JSON.stringify(body));
    assert.match(answer.json.error.message, /^This is not what `octant-exec sign-in --browser` sends/);
  }
  const form = await send(app.port, '/auth/command-line/token', { body: new URLSearchParams({ code, verifier }).toString(), headers: FORM });
  assert.is(form.status, 415, 'JSON only');
});

test('a bad port or challenge: a 400 page saying to run the command again, on the page and in the form', async () => {
  const jar = await signedIn();
  const { challenge } = pkce();
  for (const query of ['', `port=80&challenge=${challenge}`, `port=1000&challenge=${challenge}`, `port=65536&challenge=${challenge}`, `port=08080&challenge=${challenge}`, `port=8080&challenge=${challenge.slice(1)}`, `port=8080&challenge=${challenge.slice(1)}!`, `port=8080`]) {
    const page = await send(app.port, `/auth/command-line?${query}`, { headers: { Cookie: jar.header() } });
    assert.is(page.status, 400, query);
    assert.match(page.body, /This link is not one `octant-exec sign-in --browser` makes \(its port or challenge is missing or wrong\): run `octant-exec sign-in --browser` again\./);
  }
  const posted = await allow(app, jar, challenge, { fields: { port: '22' } });
  assert.is(posted.answer.status, 400);
  assert.match(posted.answer.body, /This link is not one/);
});

test('a page of another origin, on either POST, and a form without its token: 403', async () => {
  const jar = await signedIn();
  const { verifier, challenge } = pkce();
  const foreign = await allow(app, jar, challenge, { headers: { Origin: 'https://evil.example' } });
  assert.is(foreign.answer.status, 403);
  assert.match(foreign.answer.body, /Requests from this Origin are not allowed/);
  assert.is((await allow(app, jar, challenge, { headers: { Origin: '', 'Sec-Fetch-Site': 'cross-site' } })).answer.status, 403);
  const noToken = await allow(app, jar, challenge, { fields: { csrf: '' } });
  assert.is(noToken.answer.status, 403);
  assert.match(noToken.answer.body, /This form was not the one this server gave you/);
  const code = codeOf((await allow(app, jar, challenge)).answer);
  const crossTrade = await trade(app.port, { code, verifier }, { Origin: 'https://evil.example' });
  assert.is(crossTrade.status, 403);
  assert.is((await trade(app.port, { code, verifier }, { 'Sec-Fetch-Site': 'cross-site' })).status, 403);
  assert.is((await trade(app.port, { code, verifier })).status, 200, 'refused before it was used up');
});

test('the form posted by a browser signed out since it had the page: 401 with a way to sign in, and then back to the page', async () => {
  const jar = await signedIn();
  const { challenge } = pkce();
  const page = await send(app.port, pagePath(challenge), { headers: { Cookie: jar.header() } });
  jar.take(page.cookies);
  const out = await send(app.port, '/auth/sign-out', { method: 'POST', headers: { Cookie: jar.header(), Origin: app.origin, Accept: 'application/json' } });
  assert.is(out.status, 200);
  jar.take(out.cookies);
  const { action, fields } = formOf(page.body);
  const answer = await send(app.port, action, { body: new URLSearchParams(fields).toString(), headers: { ...FORM, Cookie: jar.header(), Origin: app.origin } });
  assert.is(answer.status, 401);
  assert.match(answer.body, /Your sign-in in this browser has ended: sign in again, then allow the command line\./);
  assert.ok(answer.body.includes(`href="/auth/sign-in?then=${encodeURIComponent(pagePath(challenge))}"`), answer.body);
  assert.is((await send(app.port, pagePath(challenge), { headers: { Cookie: jar.header() } })).status, 303, 'the page too: to the sign-in');
});

test("an admin's sign-out of the person between the code and its trade: 403, and no session", async () => {
  const { verifier, challenge } = pkce();
  const code = codeOf((await allow(app, await signedIn(), challenge)).answer);
  const admin = await signedIn(carol.token);
  const out = await send(app.port, '/api/v1/people/alice/sign-out', { method: 'POST', body: '{}', headers: { Cookie: admin.header(), Origin: app.origin, 'Content-Type': 'application/json' } });
  assert.is(out.status, 200, out.body);
  const traded = await trade(app.port, { code, verifier });
  assert.equal([traded.status, traded.json.error.message], [403, `An admin signed you out everywhere since you allowed the command line: sign in on the page again, then ${AGAIN}`]);
  const { verifier: v2, challenge: c2 } = pkce();
  assert.is((await trade(app.port, { code: codeOf((await allow(app, await signedIn(), c2)).answer), verifier: v2 })).status, 200, 'allowed again after it: fine');
});

test.run();

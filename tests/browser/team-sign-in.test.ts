// Signing in and out of team mode in a real Chromium, against the server in `--auth oidc` and a real
// OpenID Provider on loopback (oidc-provider, tests/server/team-sign-in.ts): the app's address
// without a token goes to the provider's own login and consent pages and back, the top bar then
// names the person (an admin with the badge and the Audit link), each person's browser keeps its
// own session, a cancelled sign-in is refused with a sentence, and Sign out ends the session at
// octant-exec and at the provider, so the next visit asks for a sign-in again. Nothing the server
// answers is rewritten: the test only watches where the browser goes.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Response } from 'playwright-core';
import { screenshot, signInAtProvider, startTeamBrowserApp, waitForText, type PersonBrowser, type TeamBrowserApp } from './support.ts';

let team: TeamBrowserApp;
let alice: PersonBrowser;
let carol: PersonBrowser;
/** the main frame's navigations in alice's browser: status and URL */
const visits: { status: number; url: URL }[] = [];

test.before(async () => {
  team = await startTeamBrowserApp();
  alice = await team.person('alice');
  alice.page.on('response', (response: Response) => {
    if (response.request().isNavigationRequest() && response.frame() === alice.page.mainFrame()) visits.push({ status: response.status(), url: new URL(response.url()) });
  });
});
test.after(async () => {
  await team?.close();
});

const signedInBox = (person: PersonBrowser) => person.page.getByRole('group', { name: 'Signed in' });
const infoWith = (cookie: string) => fetch(`${team.origin}/api/v1/info`, { headers: { Cookie: cookie } });

test("the app's address without a token goes through the provider's login and consent pages, and back alice is signed in", async () => {
  await signInAtProvider(team, alice);
  const where = ({ status, url }: { status: number; url: URL }) => `${status} ${url.origin === team.origin ? 'app' : url.origin === team.idp.issuer ? 'provider' : url.origin} ${url.pathname.replace(/^\/interaction\/.*/, '/interaction/…')}`;
  const chain = visits.map(where);
  assert.equal(chain.slice(0, 4), ['303 app /', '303 app /auth/sign-in', '303 provider /auth', '200 provider /interaction/…'], chain.join(', '));
  const authorize = visits[2].url.searchParams;
  assert.equal([authorize.get('client_id'), authorize.get('redirect_uri'), authorize.get('code_challenge_method')], ['octant-exec', `${team.origin}/auth/callback`, 'S256']);
  assert.is(chain.filter((v) => v === '200 provider /interaction/…').length, 2, `the login page, then the consent page: ${chain.join(', ')}`);
  assert.equal(chain.slice(-2), ['200 app /auth/callback', '200 app /'], `the callback page sends the browser on to the page it asked for: ${chain.join(', ')}`);

  const box = signedInBox(alice);
  assert.is(await box.getByTestId('signed-in-user').innerText(), 'alice');
  assert.match((await box.locator('[title]').first().getAttribute('title')) ?? '', /groups: dev$/);
  assert.is(await box.getByTestId('admin-badge').count(), 0, 'no admin badge');
  assert.ok(await box.getByRole('button', { name: 'Sign out', exact: true }).isVisible());
  for (const name of ['Audit', 'Inspector']) assert.is(await alice.page.getByRole('link', { name, exact: true }).count(), 0, `no ${name} link`);
  await alice.page.getByRole('link', { name: 'web', exact: true }).waitFor();

  const info = await alice.page.request.get(`${team.origin}/api/v1/info`);
  assert.equal((await info.json()).signedIn, { mode: 'oidc', user: 'alice', groups: ['dev'], admin: false, signOut: '/auth/sign-out' });
  assert.not.match(await alice.page.evaluate(() => document.cookie), 'octant_exec_session', 'the session cookie is HttpOnly');
  await screenshot(alice.page, 'team-signed-in');
  assert.equal(alice.problems, []);
});

test('carol, in a browser of her own, is signed in as an admin (badge, Audit); alice is still alice in hers', async () => {
  carol = await team.person('carol');
  await signInAtProvider(team, carol);
  const box = signedInBox(carol);
  assert.ok(await box.getByTestId('admin-badge').isVisible(), 'the admin badge');
  assert.match((await box.locator('[title]').first().getAttribute('title')) ?? '', /groups: octant-admins$/);
  for (const name of ['Audit', 'Inspector']) assert.ok(await carol.page.getByRole('link', { name, exact: true }).isVisible(), `${name} link`);
  await alice.page.reload();
  await waitForText(alice.page.getByTestId('signed-in-user'), /^alice$/);
  assert.equal(carol.problems, []);
});

test('a sign-in cancelled at the provider ends on a page that says so, without a session', async () => {
  const bob = await team.person('bob');
  try {
    await bob.page.goto(team.url);
    await bob.page.locator('input[name=login]').waitFor();
    await bob.page.getByRole('link', { name: '[ Cancel ]', exact: true }).click();
    await bob.page.waitForURL((url) => url.origin === team.origin && url.pathname === '/auth/callback');
    assert.match(await bob.page.locator('body').innerText(), /did not sign you in: access_denied/);
    assert.not.ok((await bob.context.cookies()).some((c) => c.name === 'octant_exec_session'), 'no session cookie');
    assert.ok(team.warnings.some((w) => /access_denied/.test(w)), `the server logged the refusal: ${team.warnings}`);
  } finally {
    await bob.context.close();
  }
});

test("Sign out ends alice's session here and at the provider: her old cookie is refused, and the app asks for a sign-in again", async () => {
  const cookie = (await alice.context.cookies()).find((c) => c.name === 'octant_exec_session');
  assert.ok(cookie, "alice's session cookie");
  const copy = `${cookie.name}=${cookie.value}`;
  assert.is((await infoWith(copy)).status, 200);

  await alice.page.getByRole('button', { name: 'Sign out', exact: true }).click();
  // the page goes on to the provider's end-session page, as the server named it
  await alice.page.waitForURL((url) => url.origin === team.idp.issuer && url.pathname === '/session/end');
  assert.is(new URL(alice.page.url()).searchParams.get('client_id'), 'octant-exec');
  assert.is((await infoWith(copy)).status, 401, 'a copy of the old cookie is worthless');
  assert.not.ok((await alice.context.cookies()).some((c) => c.name === 'octant_exec_session' && c.value), 'the browser dropped the cookie');
  await alice.page.getByRole('button', { name: 'Yes, sign me out', exact: true }).click();
  await alice.page.getByText('Your sign-out was successful.').waitFor();

  await alice.page.goto(team.url);
  await alice.page.waitForURL((url) => url.origin === team.idp.issuer);
  await alice.page.locator('input[name=login]').waitFor();
  assert.is(await alice.page.getByTestId('signed-in-user').count(), 0, 'not signed in again without asking');

  await carol.page.reload();
  await waitForText(carol.page.getByTestId('signed-in-user'), /^carol$/);
  assert.equal(alice.problems, []);
});

test.run();

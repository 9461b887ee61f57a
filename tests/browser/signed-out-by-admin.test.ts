// A person an admin signs out everywhere (docs/team-mode.md, "Offboarding"), in a real Chromium
// against the server in `--auth oidc`: her page's socket is closed with the reason `signed out by
// an admin`, and its banner says so plainly (not "reconnecting…"), with "Sign in again", which
// brings her back through the provider to her terminal. A sign-in that ends otherwise (her own
// Sign out, from another page) says only that it ended. Steps share one page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { signInAtProvider, startTeamBrowserApp, waitForRow, waitForText, type PersonBrowser, type TeamBrowserApp } from './support.ts';

let team: TeamBrowserApp;
let alice: PersonBrowser;
let carol: PersonBrowser;
let page: Page;

test.before(async () => {
  team = await startTeamBrowserApp();
  alice = await team.person('alice');
  carol = await team.person('carol');
  for (const person of [alice, carol]) await signInAtProvider(team, person);
  page = alice.page;
});
test.after(async () => {
  await team?.close();
});

const badge = () => page.locator('[role=tab][aria-label="nginx: shell"] .badge');
const banner = () => page.locator('.banner[role=alert]');

test('alice has a live shell in web', async () => {
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(badge(), /^live$/);
  await page.getByRole('tabpanel').locator('.xterm').click();
  await page.keyboard.type('echo alice-$((6*7))\r');
  await waitForRow(page, /^alice-42$/);
});

test('carol signs alice out everywhere: her banner says an administrator did, and offers to sign in again', async () => {
  const answer = await carol.page.evaluate(async () => {
    const reply = await fetch('/api/v1/people/alice/sign-out', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    return reply.status;
  });
  assert.is(answer, 200);
  await waitForText(banner(), /^An administrator of octant-exec signed you out: this page no longer reaches your terminals\. Sign in again$/);
  await waitForText(badge(), /^disconnected$/);
  assert.is(await page.getByRole('status').filter({ hasText: 'reconnecting' }).count(), 0, 'no "reconnecting…" beside it');
  // what would ask the server is off, saying why (each would only fail with an alert of its own)
  for (const name of ['Shell', 'Close nginx: shell']) {
    const button = page.getByRole('button', { name, exact: true });
    assert.is(await button.getAttribute('aria-disabled'), 'true', name);
    assert.is(await button.getAttribute('title'), 'octant-exec no longer takes this page: the banner at the top says how to get back in.', name);
  }
});

test('"Sign in again" goes through the provider and back to her shell, live', async () => {
  await banner().getByRole('link', { name: 'Sign in again', exact: true }).click();
  // the provider still knows her (the sign-out ends octant-exec's sign-ins, not the provider's): its login page only if it asks
  await page.waitForURL((url) => url.origin === team.origin && url.pathname === '/' && url.searchParams.get('pod') === 'web');
  await waitForText(page.getByTestId('signed-in-user'), /^alice$/);
  await waitForText(badge(), /^live$/);
  await waitForRow(page, /^alice-42$/);
  assert.is(await banner().count(), 0);
});

test('her own Sign out in another page of hers: this page says her sign-in ended, not that an administrator did', async () => {
  const other = await alice.context.newPage();
  await other.goto(team.url);
  await other.getByRole('button', { name: 'Sign out', exact: true }).click();
  await waitForText(banner(), /^Your sign-in has ended \(signed out, expired, or octant-exec restarted\): this page no longer reaches your terminals\. Sign in again$/);
  await other.close();
});

test('no page error and no Content-Security-Policy violation happened on the way', () => {
  assert.equal(alice.problems, []);
});

test.run();

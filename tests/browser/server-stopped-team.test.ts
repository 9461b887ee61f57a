// A team mode's page whose octant-exec is stopped under it, in a real Chromium (`--auth oidc`):
// its terminal ends with serverShutdown just before the socket closes, as in local mode, but a
// team's address may be served by several replicas (another's stop ends terminals in this page's
// list too), so the banner says "reconnecting…" rather than that octant-exec was stopped, and never
// to open a printed URL, which nobody in a team sees. Steps share one page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { signInAtProvider, startTeamBrowserApp, waitForText, type PersonBrowser, type TeamBrowserApp } from './support.ts';

let team: TeamBrowserApp;
let alice: PersonBrowser;
let page: Page;

test.before(async () => {
  team = await startTeamBrowserApp();
  alice = await team.person('alice');
  page = alice.page;
});
test.after(async () => {
  await team?.close();
});

const badge = () => page.locator('[role=tab][aria-label="nginx: shell"] .badge');

test('alice signs in and her shell in web is live', async () => {
  await signInAtProvider(team, alice);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(badge(), /^live$/);
});

test('octant-exec is stopped: her terminal shows disconnected, and the banner says it reconnects, not that it stopped nor to open a printed URL', async () => {
  await team.app.close();
  await waitForText(badge(), /^disconnected$/);
  const banner = page.getByRole('status').filter({ hasText: 'octant-exec' });
  await waitForText(banner, /^Connection to octant-exec lost: reconnecting…/);
  assert.not.match(await banner.innerText(), /URL it prints/);
});

test('no page error and no Content-Security-Policy violation happened on the way', () => {
  assert.equal(alice.problems, []);
});

test.run();

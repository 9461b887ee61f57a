// The Terminals page from the embedded Octant tab, in a real Chromium against the sandbox: the
// embed page links to it, it shows within the embed (no top bar, still at /embed, which alone may
// be framed, so a reload inside Octant's frame keeps it), Open or "Back to" return to the pod, and
// Open on another pod's terminal leaves the embed (Octant's tab of its pod) where it is.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startBrowserApp, waitForRow, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;

test.before(async () => {
  b = await startBrowserApp();
});
test.after(async () => {
  await b?.close();
});

test("the embed page's Terminals page: reachable, framable, and back to the pod", async () => {
  const { page } = b;
  await page.goto(b.openUrl); // signs this browser in, as the printed URL does before Octant frames the page
  await page.getByRole('heading', { name: /Pods/ }).waitFor();
  await page.goto(`${b.app.url}embed?namespace=default&pod=alpine-tools&mode=shell`);
  const badge = page.locator('[role=tab][aria-label="tools: shell"] .badge');
  await waitForText(badge, /^live$/);

  await page.getByRole('link', { name: 'All terminals' }).click();
  const table = page.getByRole('table', { name: 'Terminals' });
  await table.waitFor();
  assert.match(page.url(), /\/embed\?namespace=default&pod=alpine-tools&(tab=[\w-]+&)?view=terminals$/);
  const row = table.locator('tbody tr').filter({ hasText: 'alpine-tools' });
  await waitForText(row, /tools/);
  assert.is(await page.getByRole('navigation').count(), 0, 'no top bar inside the embed');
  assert.is(await page.getByRole('heading', { name: 'Batches' }).count(), 0, 'no batches: their pages may not be framed');

  // a reload (Octant re-rendering its tab does one) stays here, with the embed's framing headers
  const reloaded = await page.reload();
  assert.not.equal(reloaded?.headers()['x-frame-options'], 'DENY');
  await table.waitFor();
  await page.getByRole('link', { name: 'Back to alpine-tools' }).click();
  await waitForText(badge, /^live$/);
  assert.match(page.url(), /\/embed\?namespace=default&pod=alpine-tools/);
  assert.not.match(page.url(), /view=/);

  // Open on a row goes to that terminal's tab in the embed
  await page.getByRole('link', { name: 'All terminals' }).click();
  await table.locator('tbody tr').filter({ hasText: 'alpine-tools' }).getByRole('button', { name: 'Open' }).click();
  await waitForText(badge, /^live$/);
  assert.match(page.url(), /\/embed\?/);
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('echo back-$((4+4))\r');
  await waitForRow(page, /^back-8$/);
  assert.equal(b.problems, [], 'no page error, no CSP violation');
});

test("the embed's Open on another pod's terminal opens octant-exec's own page in a new window, not the embed", async () => {
  const { page } = b;
  await page.goto(`${b.app.url}embed?namespace=default&pod=web&mode=shell`);
  await waitForText(page.locator('[role=tab][aria-label="nginx: shell"] .badge'), /^live$/);
  await page.goto(`${b.app.url}embed?namespace=default&pod=alpine-tools&view=terminals`);
  const web = page.getByRole('table', { name: 'Terminals' }).locator('tbody tr').filter({ hasText: 'nginx' });
  const open = web.getByRole('link', { name: /^Open web\/.* in a new window$/ });
  assert.is(await open.getAttribute('target'), '_blank');
  assert.is(await web.getByRole('button', { name: 'Open' }).count(), 0, 'not a button that would turn the embed to another pod');
  const [opened] = await Promise.all([page.context().waitForEvent('page'), open.click()]);
  assert.match(page.url(), /\/embed\?namespace=default&pod=alpine-tools&view=terminals$/, 'the embed stays on its pod');
  await opened.waitForLoadState();
  assert.match(opened.url(), new RegExp(`/\\?namespace=default&pod=web&tab=${await web.getAttribute('data-session')}$`));
  await waitForText(opened.locator('[role=tab][aria-label="nginx: shell"] .badge'), /^live$/);
  assert.is(await opened.getByRole('navigation').count(), 1, "octant-exec's own page, with its top bar");
  await opened.close();
  assert.equal(b.problems, [], 'no page error, no CSP violation');
});

test.run();

// The Terminals page from the embedded Octant tab, in a real Chromium against the sandbox: the
// embed page links to it, it shows within the embed (no top bar, still at /embed, which alone may
// be framed, so a reload inside Octant's frame keeps it), and Open or "Back to" return to the pod.
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

test.run();

// An admin ends another person's terminal from the page (docs/ui.md, "End"), in a real Chromium
// against the server in `--auth oidc` with the sandbox cluster: carol (octant-admins) watches
// alice's shell, End… asks first (Escape keeps it running and gives the focus back to End…), and
// End terminal ends it: carol's focus goes to the terminal's tab, not to <body>, and alice's page
// says who ended it, above the screen and in an alert. Alice has no End… on her own terminal. On a
// run of her batch, End… says the whole batch stops, and it does.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { alertCards, signInAtProvider, startTeamBrowserApp, waitForRow, waitForText, type PersonBrowser, type TeamBrowserApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

let team: TeamBrowserApp;
let alice: PersonBrowser;
let carol: PersonBrowser;

test.before(async () => {
  team = await startTeamBrowserApp();
  alice = await team.person('alice');
  carol = await team.person('carol');
  for (const person of [alice, carol]) await signInAtProvider(team, person);
});
test.after(async () => {
  await team?.close();
});

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
/** what has the focus: its id, else its text */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent);

test("carol ends alice's shell: asked first, the process ends, alice is told who did it", async () => {
  await alice.page.getByRole('link', { name: 'web', exact: true }).click();
  await button(alice.page, 'Shell').click();
  const aliceTab = alice.page.getByRole('tab', { name: 'nginx: shell', exact: true });
  await waitForText(aliceTab.locator('.badge').first(), /^live$/);
  const id = ((await aliceTab.getAttribute('id')) ?? '').replace(/^tab-/, '');
  await alice.page.getByRole('tabpanel').locator('.xterm').click();
  await alice.page.keyboard.type('echo alice-$((6*7))\r');
  await waitForRow(alice.page, /^alice-42$/);
  assert.is(await button(alice.page, 'End…').count(), 0, 'no End on her own terminal');

  const { page } = carol;
  await page.getByRole('link', { name: 'Terminals', exact: true }).click();
  await page.locator(`tr[data-session="${id}"]`).getByRole('button', { name: 'Open web/nginx: shell', exact: true }).click();
  await waitForRow(page, /^alice-42$/);
  const end = button(page, 'End…');
  await end.click();
  const dialog = page.getByRole('dialog', { name: "End alice's terminal?" });
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /runs for alice in nginx \(default\/web\)/);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.is(await focused(page), 'End…', 'Escape gives the focus back to End…');
  await waitForText(aliceTab.locator('.badge').first(), /^live$/);

  await end.click();
  await dialog.getByRole('button', { name: 'End terminal', exact: true }).click();
  await waitForText(page.getByRole('tab', { name: 'nginx: shell', exact: true }).locator('.badge').first(), /^stopped$/);
  await end.waitFor({ state: 'detached' });
  await waitFor(async () => (await focused(page)) === `tab-${id}`, 'the focus on the tab, not on <body>');

  await waitForText(aliceTab.locator('.badge').first(), /^stopped$/);
  await waitForText(alice.page.getByRole('tabpanel').locator('.panel-message'), /^Ended by carol, an admin of octant-exec/);
  await waitForText(alertCards(alice.page).first(), /was ended by carol/);
  await waitFor(() => team.app.sandbox!.liveProcessGroups().length === 0, 'the shell gone in the container');
  assert.equal(carol.problems, []);
  assert.equal(alice.problems, []);
});

test("End… on a run of alice's batch stops the whole batch: the dialog says so first, and nothing more of it starts", async () => {
  const started = await alice.page.evaluate(async () => {
    const answer = await fetch('/api/v1/batches', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ namespace: 'batch', labelSelector: 'app=worker', container: 'main', concurrency: 1, command: { line: "sh -c 'echo started; sleep 60'" } }),
    });
    return { status: answer.status, batchId: ((await answer.json()) as { batchId: string }).batchId };
  });
  assert.is(started.status, 201);
  const { batchId } = started;
  const batch = () => team.app.system.batches.byId[batchId];
  const run = await waitFor(() => batch()?.results.find((r) => r.state === 'running')?.sessionId, 'its first run');

  const { page } = carol;
  await page.getByRole('link', { name: 'Terminals', exact: true }).click();
  await page.locator(`tr[data-session="${run}"]`).getByRole('button', { name: /^Open / }).click();
  await button(page, 'End…').click();
  const dialog = page.getByRole('dialog', { name: `Stop alice's batch ${batchId}?` });
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /as part of batch .*: ending it stops the whole batch now\. Its other running commands are ended too, and nothing more of it starts\./s);
  await dialog.getByRole('button', { name: 'Stop batch', exact: true }).click();
  await waitFor(() => batch()?.state === 'done', 'the batch done');
  assert.equal([batch()?.stopped?.by, batch()?.totals.notStarted], ['carol', 2]);
  await alertCards(alice.page).filter({ hasText: `Batch ${batchId} was stopped by carol, an admin of octant-exec` }).waitFor();
  await waitFor(() => team.app.sandbox!.liveProcessGroups().length === 0, 'its process gone, none started');
  assert.equal(carol.problems, []);
  assert.equal(alice.problems, []);
});

test.run();

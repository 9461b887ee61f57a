// The batch flow in a real Chromium against the server and the sandbox cluster: check the
// three worker pods, "Run in all containers" with `hostname`, read the summary (six rows, each
// exit 0), jump from a row to its terminal, find the batch again from the Terminals page; then a
// label selector with a command that fails in one pod: the failures are listed first; a command
// past the batch's timeout is said to have run too long, not to have been idle; Stop on a running
// batch starts nothing more of it and stops what runs, its terminal kept with its output.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { alertCards, appForFile, screenshot, waitForRow, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;

appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const runButton = () => page.getByRole('button', { name: 'Run in all containers', exact: true });
const summary = () => page.getByRole('table', { name: 'Batch summary', exact: true });

/** The summary's rows as [container, result, duration] texts. */
async function summaryRows(): Promise<string[][]> {
  return summary()
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].slice(0, 3).map((td) => (td.textContent ?? '').trim())));
}

async function runBatch(command: string, concurrency?: string) {
  await runButton().click();
  const dialog = page.getByRole('dialog', { name: 'Run in all containers' });
  await dialog.waitFor();
  await dialog.getByRole('textbox', { name: 'Command', exact: true }).fill(command);
  if (concurrency) await dialog.getByRole('spinbutton', { name: 'Concurrency', exact: true }).fill(concurrency);
  await waitForText(dialog.locator('#batch-command-argv'), /Runs argv: \[/);
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

test('select the three worker pods, run hostname in all containers: six rows, each exit 0', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).waitFor();
  await page.getByRole('combobox', { name: 'Namespace', exact: true }).selectOption('batch');
  await page.getByRole('link', { name: 'worker-2', exact: true }).waitFor();
  assert.ok(await runButton().isDisabled(), 'nothing chosen yet');
  for (const pod of ['worker-0', 'worker-1', 'worker-2']) await page.getByRole('checkbox', { name: `Select ${pod}`, exact: true }).check();
  assert.ok(await runButton().isEnabled());

  await runButton().click();
  const dialog = page.getByRole('dialog', { name: 'Run in all containers' });
  await dialog.waitFor();
  assert.ok(await dialog.getByRole('button', { name: 'Run', exact: true }).isDisabled(), 'no command yet');
  await dialog.getByRole('textbox', { name: 'Command', exact: true }).fill('hostname');
  await waitForText(dialog.locator('#batch-command-argv'), /\["hostname"\]/);
  assert.is(await dialog.getByRole('spinbutton', { name: 'Concurrency', exact: true }).inputValue(), '8');
  assert.ok(await dialog.getByRole('spinbutton', { name: 'Timeout (s)', exact: true }).isVisible());
  await screenshot(page, 'batch-dialog');
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });

  await page.getByRole('heading', { name: 'Batch b1', exact: true }).waitFor();
  await waitForText(page.getByRole('status', { name: 'Totals' }), /^6 succeeded, 0 failed, 0 skipped$/);
  const rows = await summaryRows();
  assert.is(rows.length, 6);
  assert.equal(rows.map((r) => r[0]).sort(), ['worker-0/logger', 'worker-0/main', 'worker-1/logger', 'worker-1/main', 'worker-2/logger', 'worker-2/main']);
  for (const [where, result, duration] of rows) {
    assert.is(result, 'exit 0', where);
    assert.match(duration, /^\d+(\.\d)? (ms|s)$/, where);
  }
  await screenshot(page, 'batch', true);
});

test('"Open" on a row shows that container\'s terminal, with the pod name in it', async () => {
  const row = summary().locator('tbody tr', { hasText: 'worker-1/logger' });
  // named by the tab it opens, so a screen reader's list of buttons tells the rows apart
  await row.getByRole('button', { name: 'Open worker-1/logger: hostname', exact: true }).click();
  const tab = page.getByRole('tab', { name: 'worker-1/logger: hostname', exact: true });
  await waitForText(page.locator(`[role=tab][aria-label="worker-1/logger: hostname"][aria-selected=true] .badge`), /^exited 0$/);
  assert.is(await tab.getAttribute('aria-selected'), 'true');
  await waitForRow(page, /^worker-1$/);
  assert.match(page.url(), /\/batches\?id=b1&tab=t\d+$/);
});

test('the batch is reachable from the Terminals page; its sessions are ordinary terminals there', async () => {
  await page.getByRole('link', { name: 'Terminals', exact: true }).first().click();
  await page.getByRole('heading', { name: 'Terminals', exact: true }).waitFor();
  assert.is(await page.getByRole('table', { name: 'Terminals', exact: true }).locator('tbody tr').count(), 6);
  const batches = page.getByRole('table', { name: 'Batches', exact: true });
  assert.match(await batches.innerText(), /6 succeeded, 0 failed, 0 skipped/);
  await batches.getByRole('link', { name: 'Batch b1', exact: true }).click();
  await page.getByRole('heading', { name: 'Batch b1', exact: true }).waitFor();
  assert.is((await summaryRows()).length, 6);
});

test('a label selector instead of checkboxes; failed containers are listed first', async () => {
  await page.getByRole('link', { name: 'Pods', exact: true }).click();
  await page.getByRole('link', { name: 'worker-2', exact: true }).waitFor();
  await page.getByRole('textbox', { name: 'Label selector', exact: true }).fill('app=worker');
  assert.ok(await page.getByRole('checkbox', { name: 'Select worker-0', exact: true }).isDisabled(), 'the selector decides');
  await runBatch(`sh -c 'test $HOSTNAME != worker-1'`, '2');
  await page.getByRole('heading', { name: 'Batch b2', exact: true }).waitFor();
  await waitForText(page.getByRole('status', { name: 'Totals' }), /^4 succeeded, 2 failed, 0 skipped$/);
  const rows = await summaryRows();
  assert.equal(
    rows.slice(0, 2).map((r) => `${r[0]} ${r[1]}`).sort(),
    ['worker-1/logger exit 1', 'worker-1/main exit 1'],
  );
  assert.ok(rows.slice(2).every((r) => r[1] === 'exit 0'), JSON.stringify(rows));
  assert.equal(b.problems, []);
});

test("a command past the batch's timeout: its tab, panel and screen say so, not that it was idle", async () => {
  await page.getByRole('link', { name: 'Pods', exact: true }).click();
  await page.getByRole('textbox', { name: 'Label selector', exact: true }).fill('');
  await page.getByRole('checkbox', { name: 'Select worker-0', exact: true }).check();
  await runButton().click();
  const dialog = page.getByRole('dialog', { name: 'Run in all containers' });
  await dialog.getByRole('textbox', { name: 'Command', exact: true }).fill('sleep 30');
  await dialog.getByRole('spinbutton', { name: 'Timeout (s)', exact: true }).fill('1');
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForText(summary(), /timed out: ran longer than its 1 s timeout/);
  const tab = page.getByRole('tab', { selected: true });
  await waitForText(tab.locator('.badge').first(), /^timed out$/);
  const said = 'Ran longer than its 1 s timeout: the command was ended. Restart to run it again.';
  assert.match((await tab.getAttribute('title')) ?? '', said);
  await waitForText(page.locator('[role=tabpanel] .panel-message'), new RegExp(said.replace(/\./g, '\\.')));
  await waitForRow(page, /\[timed out\] Ran longer than its 1 s timeout/);
  assert.equal(b.problems, []);
});

test('Stop on a running batch: nothing more of it starts, its running command is stopped, and its terminal stays with the output so far, saying why', async () => {
  await page.getByRole('link', { name: 'Pods', exact: true }).click();
  await page.getByRole('textbox', { name: 'Label selector', exact: true }).fill('app=worker');
  await runButton().click();
  const dialog = page.getByRole('dialog', { name: 'Run in all containers' });
  await dialog.getByRole('textbox', { name: 'Command', exact: true }).fill("sh -c 'echo started; sleep 60'");
  await dialog.getByRole('spinbutton', { name: 'Concurrency', exact: true }).fill('1');
  await dialog.getByRole('spinbutton', { name: 'Timeout (s)', exact: true }).fill('');
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForText(summary(), /running/);
  await waitForRow(page, /^started$/);
  const alertsBefore = await alertCards(page).count();
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await waitForText(page.getByRole('status', { name: 'Totals' }), /^0 succeeded, 0 failed, 0 skipped, 1 cancelled, 5 not started$/);
  const rows = await summaryRows();
  assert.equal(rows.map((r) => r[1]).sort(), ['cancelled while running', ...Array(5).fill('not started')]);
  assert.is(await page.getByRole('button', { name: 'Stop', exact: true }).count(), 0, 'a done batch has nothing to stop');
  // the run's terminal is still there, ended: its output kept, and why it ended
  const cancelledRow = summary().locator('tbody tr', { hasText: 'cancelled while running' });
  assert.ok(await cancelledRow.getByRole('button', { name: /^Open / }).isEnabled(), 'its terminal is open');
  const tab = page.getByRole('tab', { selected: true });
  await waitForText(tab.locator('.badge').first(), /^stopped$/);
  assert.match((await tab.getAttribute('title')) ?? '', /Its batch b\d+ was cancelled: the command was ended\. Restart to run it again\./);
  await waitForRow(page, /\[stopped\] Its batch b\d+ was cancelled/);
  // and above the screen, as a timeout's or a disconnect's reason is
  await waitForText(page.locator('[role=tabpanel] .panel-message'), /Its batch b\d+ was cancelled: the command was ended/);
  await waitForRow(page, /^started$/);
  assert.is(await alertCards(page).count(), alertsBefore, 'no alert: the person stopped it');
  await screenshot(page, 'batch-cancelled');
  assert.equal(b.problems, []);
});

test.run();

// "Open" on a batch summary's row selects that container's terminal and hands the keyboard's focus
// to its tab, as the row promises: a screen reader then says which terminal it is, and the arrow
// keys go on along the tabs. Its terminal must not take the focus as it mounts.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { focusGoesTo } from './focus-checks.ts';
import { appForFile, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;
appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const summary = () => page.getByRole('table', { name: 'Batch summary', exact: true });

test('a batch of hostname in worker-0 and worker-1', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('combobox', { name: 'Namespace', exact: true }).selectOption('batch');
  for (const pod of ['worker-0', 'worker-1']) await page.getByRole('checkbox', { name: `Select ${pod}`, exact: true }).check();
  await page.getByRole('button', { name: 'Run in all containers', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Run in all containers' });
  await dialog.getByRole('textbox', { name: 'Command', exact: true }).fill('hostname');
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForText(page.getByRole('status', { name: 'Totals' }), /^4 succeeded/);
});

test('"Open" on a row that is not selected puts the focus on its tab, not in its terminal', async () => {
  const name = 'worker-1/logger: hostname';
  await summary().getByRole('button', { name: `Open ${name}`, exact: true }).click();
  const tab = page.getByRole('tab', { name, exact: true });
  await page.waitForFunction((n) => document.querySelector(`[role=tab][aria-label="${n}"]`)?.getAttribute('aria-selected') === 'true', name);
  // its panel is in place: its terminal had its chance to take the focus
  await page.locator(`#${await tab.getAttribute('aria-controls')} .xterm-helper-textarea`).waitFor({ state: 'attached' });
  assert.is(await focusGoesTo(page, tab), true);
  // and the keys are the tab bar's: ArrowLeft selects the tab before, the focus with it
  await page.keyboard.press('ArrowLeft');
  const before = page.getByRole('tab', { selected: true });
  assert.is.not(await before.getAttribute('aria-label'), name);
  assert.is(await focusGoesTo(page, before), true);
});

test('"Open" on the row of the tab already selected puts the focus on that tab too', async () => {
  const name = (await page.getByRole('tab', { selected: true }).getAttribute('aria-label'))!;
  await page.locator('[role=tabpanel] .xterm').click();
  await summary().getByRole('button', { name: `Open ${name}`, exact: true }).click();
  assert.is(await focusGoesTo(page, page.getByRole('tab', { name, exact: true })), true);
});

test('no page errors', () => {
  assert.equal(b.problems, []);
});

test.run();

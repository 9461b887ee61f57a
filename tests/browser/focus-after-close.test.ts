// Where the keyboard's focus goes when the button that had it goes with what it closed, in a real
// Chromium against the server and the sandbox: a Terminals page row's Close hands it to the next
// row's Close (the one before, for the last row; the heading once none is left), after the close
// question too; an alert's Dismiss to the next alert's Dismiss (the one before, for the last), and
// "Dismiss all" to the main heading. Never to <body>, where a screen reader says nothing. Those
// repeated buttons are named by what they act on, and the alerts are a named region. (Tabs:
// focus.test.ts.) Steps share one server and one page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Locator, Page } from 'playwright-core';
import { focusGoesTo } from './focus-checks.ts';
import { appForFile, byName, waitForRow, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;

appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const { tab, badgeOf, button } = byName(() => page);



/** Answers the close question by the keyboard: Cancel has the focus first, "Close terminal" comes next. */
async function confirmClose(): Promise<void> {
  const confirm = page.getByRole('dialog', { name: 'Close a running terminal?' });
  await confirm.waitFor();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await confirm.waitFor({ state: 'detached' });
}

/** The aria-labels of the buttons `scope` holds, in order. */
const buttonNames = (scope: Locator) => scope.getByRole('button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? b.textContent));

test("the Terminals page names each row's Open and Close by its terminal, as its pod's tab does", async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await button('Shell in all containers').click();
  for (const name of ['sidecar: shell', 'nginx: shell']) await waitForText(badgeOf(name), /^live$/);
  await button('Shell').click();
  await waitForText(badgeOf('nginx: shell (2)'), /^live$/);
  await tab('sidecar: shell').click();
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('exit\r');
  await waitForText(badgeOf('sidecar: shell'), /^exited 0$/);
  await page.getByRole('link', { name: 'Terminals', exact: true }).click();
  const table = page.getByRole('table', { name: 'Terminals' });
  await table.waitFor();
  assert.equal(await buttonNames(table), [
    'Open web/sidecar: shell',
    'Close web/sidecar: shell',
    'Open web/nginx: shell',
    'Close web/nginx: shell',
    'Open web/nginx: shell (2)',
    'Close web/nginx: shell (2)',
  ]);
});

test("Close on a Terminals page row hands the focus to the next row's Close (the one before, for the last), then to the heading", async () => {
  // ended: closes at once
  await button('Close web/sidecar: shell').focus();
  await page.keyboard.press('Enter');
  await button('Close web/sidecar: shell').waitFor({ state: 'detached' });
  assert.is(await focusGoesTo(page, button('Close web/nginx: shell')), true, "the next row's");
  // running, and the last row: after the question
  await button('Close web/nginx: shell (2)').focus();
  await page.keyboard.press('Enter');
  await confirmClose();
  await button('Close web/nginx: shell (2)').waitFor({ state: 'detached' });
  assert.is(await focusGoesTo(page, button('Close web/nginx: shell')), true, "the row before's");
  await page.keyboard.press('Enter');
  await confirmClose();
  await page.getByText('No terminals.').waitFor();
  assert.is(await focusGoesTo(page, page.getByRole('heading', { name: 'Terminals', level: 1 })), true, 'none left: the heading');
});

test('Dismiss hands the focus to the next alert\'s Dismiss (the one before, for the last), "Dismiss all" to the heading; each button names its alert', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'alpine-tools', exact: true }).click();
  for (let i = 0; i < 4; i++) {
    await button('Exec').click();
    const dialog = page.getByRole('dialog', { name: 'Exec in pod' });
    await dialog.getByRole('combobox', { name: 'Idle timeout unit' }).selectOption('s');
    await dialog.getByRole('spinbutton', { name: 'Idle timeout', exact: true }).fill('2');
    await dialog.getByRole('button', { name: 'Run' }).click();
    await dialog.waitFor({ state: 'detached' });
    await waitForRow(page, /^#$/); // sh's prompt: it runs
  }
  const alerts = page.getByRole('region', { name: 'Alerts' });
  await alerts.getByRole('listitem').nth(3).waitFor();
  const names = await buttonNames(alerts);
  const dismiss = names.filter((name) => name?.startsWith('Dismiss:'));
  assert.equal([...dismiss].sort(), ['Dismiss: tools: shell', 'Dismiss: tools: shell (2)', 'Dismiss: tools: shell (3)', 'Dismiss: tools: shell (4)']);
  assert.equal(names.filter((name) => name?.startsWith('Show terminal')).sort(), dismiss.map((name) => name!.replace('Dismiss', 'Show terminal')).sort());

  await button(dismiss[1]!).focus();
  await page.keyboard.press('Enter');
  await button(dismiss[1]!).waitFor({ state: 'detached' });
  assert.is(await focusGoesTo(page, button(dismiss[2]!)), true, "the next alert's");
  await button(dismiss[3]!).focus();
  await page.keyboard.press('Enter');
  await button(dismiss[3]!).waitFor({ state: 'detached' });
  assert.is(await focusGoesTo(page, button(dismiss[2]!)), true, "the one before's, for the last");
  await button('Dismiss all').focus();
  await page.keyboard.press('Enter');
  await alerts.waitFor({ state: 'detached' });
  assert.is(await focusGoesTo(page, page.getByRole('heading', { name: 'alpine-tools', level: 1 })), true, 'none left: the heading');
});

test('no page errors', () => {
  assert.equal(b.problems, []);
});

test.run();

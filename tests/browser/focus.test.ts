// Where the keyboard's focus goes, in a real Chromium against the server and the sandbox: arrow
// keys on the tab bar keep it on the tab they select (the next key is the tab's, not the shell's);
// a dialog closed by Escape or Cancel gives it back to the button that opened it; a click on a tab
// and Restart put it in the terminal, so typing reaches the shell. Steps share one server and one
// page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Locator, Page } from 'playwright-core';
import { appForFile, byName, waitForRow, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;

appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const { tab, badgeOf, button } = byName(() => page);

/** Whether the element has the keyboard's focus, said as what has it otherwise. */
async function focused(locator: Locator): Promise<true | string> {
  const has = await locator.evaluate((el) => el === document.activeElement);
  return has || page.evaluate(() => `${document.activeElement?.tagName.toLowerCase()}.${document.activeElement?.className}`);
}

/** Whether the shown terminal's input (xterm's textarea) has the focus. */
const terminalFocused = () => page.evaluate(() => !!document.activeElement?.matches('[role=tabpanel] .xterm-helper-textarea'));

test('ArrowRight on the tab bar selects the next tab and keeps the focus on it: Delete then asks to close that tab', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await button('Shell in all containers').click();
  for (const name of ['sidecar: shell', 'nginx: shell']) await waitForText(badgeOf(name), /^live$/);
  const [first, second] = await page.getByRole('tab').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('aria-label')!));
  await tab(first).click();
  await tab(first).focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((name) => document.querySelector(`[role=tab][aria-label="${name}"]`)?.getAttribute('aria-selected') === 'true', second);
  // the new panel's terminal is in place: it had its chance to take the focus
  await page.locator(`#${await tab(second).getAttribute('aria-controls')} .xterm-helper-textarea`).waitFor({ state: 'attached' });
  assert.is(await focused(tab(second)), true);
  await page.keyboard.press('Delete');
  const confirm = page.getByRole('dialog', { name: 'Close a running terminal?' });
  await confirm.waitFor();
  assert.match(await confirm.innerText(), new RegExp(second.split(':')[0]));
  await page.keyboard.press('Escape');
  await confirm.waitFor({ state: 'detached' });
  assert.is(await focused(tab(second)), true, 'Escape gives the focus back to the tab');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((name) => document.querySelector(`[role=tab][aria-label="${name}"]`)?.getAttribute('aria-selected') === 'true', first);
  assert.is(await focused(tab(first)), true);
});

test('a click on a tab puts the focus in its terminal', async () => {
  const second = (await page.getByRole('tab').nth(1).getAttribute('aria-label'))!;
  await tab(second).click();
  await page.waitForFunction(() => !!document.activeElement?.matches('[role=tabpanel] .xterm-helper-textarea'));
  assert.is(await page.getByRole('tabpanel').getAttribute('aria-labelledby'), await tab(second).getAttribute('id'));
});

for (const [opener, dialogName] of [
  ['Exec', 'Exec in pod'],
  ['Settings', 'Settings'],
] as const) {
  test(`closing the ${dialogName} dialog by Escape or Cancel gives the focus back to ${opener}`, async () => {
    for (const how of ['Escape', 'Cancel'] as const) {
      await button(opener).click();
      const dialog = page.getByRole('dialog', { name: dialogName });
      await dialog.waitFor();
      if (how === 'Escape') await page.keyboard.press('Escape');
      else await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      assert.is(await focused(button(opener)), true, how);
    }
  });
}

test('Restart on an ended terminal puts the focus in it: what is typed next runs in the new shell', async () => {
  const name = (await page.getByRole('tab', { selected: true }).getAttribute('aria-label'))!;
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('exit\r');
  await waitForText(badgeOf(name), /^exited 0$/);
  await button('Restart').click();
  await waitForText(badgeOf(name), /^live$/);
  assert.ok(await terminalFocused(), String(await focused(page.locator('[role=tabpanel] .xterm-helper-textarea'))));
  await page.keyboard.type('echo again-$((2+3))\r');
  await waitForRow(page, /^again-5$/);
});

test('no page errors', () => {
  assert.equal(b.problems, []);
});

test.run();

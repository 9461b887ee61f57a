// The terminal's right-click menu in a real Chromium against the server and the sandbox: Copy,
// Paste, Select all, Clear, Search on a running shell; a clear sentence when the browser refuses
// the clipboard; copy on select; a 10 MB paste that arrives whole, paced, while the page goes on;
// and on an ended terminal only Copy, Select all and Search. Steps share one server and one page.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { screenRows, startBrowserApp, waitForRow, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;

test.before(async () => {
  b = await startBrowserApp();
  page = b.page;
});
test.after(async () => {
  await b?.close();
});

const badge = () => page.locator('[role=tab][aria-label="nginx: shell"] .badge');
const screen = () => page.locator('[role=tabpanel] .xterm-screen');
const menu = () => page.getByRole('menu', { name: 'Terminal' });
const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

async function openMenu() {
  await screen().click({ button: 'right', position: { x: 40, y: 20 } });
  await menu().waitFor();
  return menu();
}

async function choose(item: string) {
  await (await openMenu()).getByRole('menuitem', { name: item, exact: true }).click();
  await menu().waitFor({ state: 'detached' });
}

test('the menu offers Copy, Paste, Select all, Clear, Search; a refused clipboard is said plainly', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(badge(), /^live$/);
  const items = await (await openMenu()).getByRole('menuitem').allInnerTexts();
  assert.equal(items, ['Copy', 'Paste', 'Select all', 'Clear', 'Search']);
  assert.ok(await menu().getByRole('menuitem', { name: 'Copy' }).isDisabled(), 'nothing selected: nothing to copy');
  await page.keyboard.press('Escape');
  await menu().waitFor({ state: 'detached' });
  // no clipboard permission granted yet: the browser refuses to read it
  await choose('Paste');
  const refusal = page.getByRole('tabpanel').getByRole('alert');
  await waitForText(refusal, /refused to read the clipboard .*Ctrl\+Shift\+V/);
  await refusal.getByRole('button', { name: 'Dismiss' }).click();
  await refusal.waitFor({ state: 'detached' });
});

test('Select all and Copy put the screen on the clipboard; Paste types it; Clear empties the screen; Search opens the field', async () => {
  await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(b.app.url).origin });
  await screen().click();
  await page.keyboard.type('echo menu-$((2+3))\r');
  await waitForRow(page, /^menu-5$/);
  await choose('Select all');
  await choose('Copy');
  assert.match(await clipboard(), /^menu-5$/m);

  // bash takes a paste bracketed: it waits in the line for Enter
  await page.evaluate(() => navigator.clipboard.writeText('echo pasted-$((4+4))'));
  await choose('Paste');
  await waitForRow(page, /echo pasted-\$\(\(4\+4\)\)$/);
  await page.keyboard.press('Enter');
  await waitForRow(page, /^pasted-8$/);

  await choose('Clear');
  await page.waitForFunction(() => ![...document.querySelectorAll('[role=tabpanel] .xterm-rows > div')].some((r) => /menu-5|pasted-8/.test(r.textContent ?? '')));
  const rows = (await screenRows(page.getByRole('tabpanel'))).filter((r) => r !== '');
  assert.is(rows.length, 1, `only the prompt line is left: ${JSON.stringify(rows)}`);

  await choose('Search');
  const field = page.getByRole('searchbox', { name: 'Find in terminal' });
  await field.waitFor();
  await field.press('Escape');
  await field.waitFor({ state: 'detached' });
});

test('copy on select (a setting): a selection is on the clipboard without Copy', async () => {
  await page.keyboard.type('echo selected-$((3+3))\r');
  await waitForRow(page, /^selected-6$/);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('checkbox', { name: 'Copy on select' }).check();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.evaluate(() => navigator.clipboard.writeText('old'));
  await choose('Select all');
  await page.waitForFunction(async () => /^selected-6$/m.test(await navigator.clipboard.readText()));
});

test('a 10 MB paste arrives whole, paced: its progress shows while the page keeps answering, and ends', async () => {
  const size = 10_000_000;
  // raw, no echo: the shell's side counts exactly what was pasted
  await screen().click();
  await page.keyboard.type('stty raw -echo; head -c 10000000 > /tmp/pasted; stty sane; echo got=$(wc -c < /tmp/pasted)\r');
  await page.evaluate((n) => navigator.clipboard.writeText('0123456789'.repeat(n / 10)), size);
  await choose('Paste');
  // the line shows only while part of the paste waits: the page, read here mid-paste, answers
  const progress = page.getByRole('tabpanel').getByRole('status');
  await waitForText(progress, /^Pasting: \d+% sent/);
  await progress.waitFor({ state: 'detached', timeout: 30_000 });
  await waitForRow(page, new RegExp(`^got=${size}$`), 30_000);
  // none of it was refused by the server's input rate limit
  assert.not.ok((await screenRows(page.getByRole('tabpanel'))).some((row) => /faster than/.test(row)));
});

test('on an ended terminal the menu offers only Copy, Select all and Search', async () => {
  await page.keyboard.type('exit\r');
  await waitForText(badge(), /^exited 0$/);
  const items = await (await openMenu()).getByRole('menuitem').allInnerTexts();
  assert.equal(items, ['Copy', 'Select all', 'Search']);
  await menu().getByRole('menuitem', { name: 'Select all' }).click();
  await page.waitForFunction(async () => /^got=10000000$/m.test(await navigator.clipboard.readText()));
  assert.equal(b.problems, [], 'no page error, no CSP violation');
});

test.run();

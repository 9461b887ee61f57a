// The terminal's right-click menu in a real Chromium against the server and the sandbox: Copy,
// Paste (and Ctrl+Shift+V), Select all, Clear, Search on a running shell; a clear sentence when the browser refuses
// the clipboard; copy on select; and on an ended terminal only Copy, Select all and Search (a
// 10 MB paste: big-paste.test.ts). Steps share one server and one page.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { focused, focusGoesTo } from './focus-checks.ts';
import { appForFile, chooseInTerminalMenu, openTerminalMenu, screenRows, waitForPrompt, waitForRow, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;

appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const badge = () => page.locator('[role=tab][aria-label="nginx: shell"] .badge');
const screen = () => page.locator('[role=tabpanel] .xterm-screen');
const menu = () => page.getByRole('menu', { name: 'Terminal' });
const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
const openMenu = () => openTerminalMenu(page);
const choose = (item: string) => chooseInTerminalMenu(page, item);

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

test('Select all and Copy put the screen on the clipboard; Paste and Ctrl+Shift+V type it; Clear empties the screen; Search opens the field', async () => {
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
  // Ctrl+Shift+V: the browser's own paste event, taken the same way
  await page.evaluate(() => navigator.clipboard.writeText('echo keys-$((5+5))'));
  await page.keyboard.press('Control+Shift+V');
  await waitForRow(page, /echo keys-\$\(\(5\+5\)\)$/);
  await page.keyboard.press('Enter');
  await waitForRow(page, /^keys-10$/);

  await choose('Clear');
  await page.waitForFunction(() => ![...document.querySelectorAll('[role=tabpanel] .xterm-rows > div')].some((r) => /menu-5|pasted-8/.test(r.textContent ?? '')));
  const rows = (await screenRows(page.getByRole('tabpanel'))).filter((r) => r !== '');
  assert.is(rows.length, 1, `only the prompt line is left: ${JSON.stringify(rows)}`);

  await choose('Search');
  const field = page.getByRole('searchbox', { name: 'Find in terminal' });
  await field.waitFor();
  assert.is(await focused(page, field), true, 'the search field has the focus as soon as it shows');
  await field.press('Escape');
  await field.waitFor({ state: 'detached' });
});

test('Escape pressed at once after Search (before the next frame) closes the field and the terminal takes what is typed next', async () => {
  const menuItem = await (await openMenu()).getByRole('menuitem', { name: 'Search', exact: true }).elementHandle();
  // a key's arrival cannot be put before a frame from outside the page: it is dispatched where a
  // pressed key goes (the focused element), in the task that chose Search, once the field is drawn
  await page.evaluate(async (item) => {
    (item as HTMLButtonElement).click();
    // the field is drawn in a microtask after the click (Preact's render): a bounded number of turns, never a frame
    for (let turn = 0; !document.querySelector('[role=search] input'); turn++) {
      if (turn === 1000) throw new Error('the search field did not show in the task that chose Search');
      await Promise.resolve();
    }
    document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
  }, menuItem);
  await page.getByRole('searchbox', { name: 'Find in terminal' }).waitFor({ state: 'detached' });
  assert.is(await focusGoesTo(page, page.locator('[role=tabpanel] .xterm-helper-textarea')), true, 'the terminal has the focus');
  await page.keyboard.type('echo after-$((7+7))\r');
  await waitForRow(page, /^after-14$/);
});

/**
 * Opens the menu as a right click does and, in the same task, once the menu is drawn (never a frame
 * later), dispatches `key` where a pressed key goes (the focused element), as a key pressed at once
 * would arrive. Resolves to what got the key, the menu item the focus is on then, and the items it
 * can move between.
 */
const keyAsMenuShows = (key: 'Escape' | 'ArrowDown') =>
  page.evaluate(async (key) => {
    const screen = document.querySelector('[role=tabpanel] .xterm-screen')!;
    const { left, top } = screen.getBoundingClientRect();
    screen.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, button: 2, clientX: left + 40, clientY: top + 20 }));
    // the menu is drawn in a microtask after the event (Preact's render): a bounded number of turns, never a frame
    for (let turn = 0; !document.querySelector('[role=menu]'); turn++) {
      if (turn === 1000) throw new Error('the menu did not show in the task that opened it');
      await Promise.resolve();
    }
    const enabled = [...document.querySelectorAll('[role=menu] [role=menuitem]:not([disabled])')].map((item) => item.textContent);
    const target = document.activeElement;
    // keyCode too: the terminal reads it, so a key it got reaches the shell as a real one would
    const keyCode = { Escape: 27, ArrowDown: 40 }[key];
    target?.dispatchEvent(new KeyboardEvent('keydown', { key, code: key, keyCode, bubbles: true, cancelable: true }));
    return {
      wentTo: target?.closest('[role=menu]') ? 'the menu' : `${target?.tagName.toLowerCase()}.${target?.className}`,
      focusedItem: document.activeElement?.closest('[role=menuitem]')?.textContent ?? null,
      enabled,
    };
  }, key);

test('a key pressed as the menu shows (before the next frame) goes to the menu: an arrow moves in it, Escape closes it; the shell gets neither', async () => {
  // the shell reads a line and shows it bracketed, escapes spelled out: an Escape or an arrow that
  // reached it shows as \E (and in the line's echo as ^[)
  await page.keyboard.type(`echo reading; read -r line; printf '[%q]\\n' "$line"\r`);
  await waitForRow(page, /^reading$/);

  const arrowed = await keyAsMenuShows('ArrowDown');
  assert.is(arrowed.wentTo, 'the menu', 'the arrow');
  assert.is(arrowed.focusedItem, arrowed.enabled[1], `the arrow moved from the first item the menu offers (${arrowed.enabled.join(', ')}) to the next`);
  await page.keyboard.press('Escape');
  await menu().waitFor({ state: 'detached' });

  const escaped = await keyAsMenuShows('Escape');
  assert.is(escaped.wentTo, 'the menu', 'the Escape');
  await menu().waitFor({ state: 'detached' });
  assert.is(await focusGoesTo(page, page.locator('[role=tabpanel] .xterm-helper-textarea')), true, 'the terminal has the focus again');

  await page.keyboard.type('typed-after\r');
  await waitForRow(page, /typed-after.*\]$/);
  const rows = await screenRows(page.getByRole('tabpanel'));
  assert.equal(rows.filter((row) => row.includes('typed-after')), ['typed-after', '[typed-after]'], 'the line as typed, and as the shell read it: no key meant for the menu before it');
  await waitForPrompt(page);
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

test('on an ended terminal the menu offers only Copy, Select all and Search', async () => {
  await page.keyboard.type('exit\r');
  await waitForText(badge(), /^exited 0$/);
  const items = await (await openMenu()).getByRole('menuitem').allInnerTexts();
  assert.equal(items, ['Copy', 'Select all', 'Search']);
  await menu().getByRole('menuitem', { name: 'Select all' }).click();
  await page.waitForFunction(async () => /^selected-6$/m.test(await navigator.clipboard.readText()) && /\[exited 0\]/.test(await navigator.clipboard.readText()));
  assert.equal(b.problems, [], 'no page error, no CSP violation');
});

test.run();

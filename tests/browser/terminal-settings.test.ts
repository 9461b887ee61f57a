// Issue 19's asks, in a real Chromium against the server and the sandbox: "Shell in all containers"
// in one click; the font size (Ctrl + − 0 and the Settings dialog), bounded, kept in this browser,
// applied to every terminal and sent to the server as a new size; closing a running terminal asks
// first (a setting turns that off), Settings' Cancel undoes what it changed, and "Close" on the
// Terminals page works in every state, disconnected included. Steps share one server and one
// page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { appForFile, byName, screenRows, waitForPrompt, waitForRow, waitForText, type BrowserApp } from './support.ts';
import { readPreferences } from '../../ui/state/preferences.ts';
import { memoryStorage } from '../support/memory-storage.ts';

let b: BrowserApp;
let page: Page;

appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const { tab, badgeOf } = byName(() => page);
/** A tab's close button, named by its tab (a screen reader hears which one it closes). */
const closeButton = (name: string) => page.locator('.tab', { has: tab(name) }).getByRole('button', { name: `Close ${name}`, exact: true });
const confirmDialog = () => page.getByRole('dialog', { name: 'Close a running terminal?' });
/** The font size the shown terminal's rows are drawn in, in px. */
const shownFontSize = () => page.locator('[role=tabpanel] .xterm-rows').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
/** The settings this browser stores, read as the page reads them. */
const storedPreferences = async () => readPreferences(memoryStorage(await page.evaluate(() => ({ ...localStorage }))));

/** The shell's own idea of its size (what the server last sent it), asked afresh each time. */
async function sttySize(mark: string): Promise<{ rows: number; cols: number }> {
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type(`echo ${mark}=$(stty size)\r`);
  await waitForRow(page, new RegExp(`^${mark}=\\d+ \\d+$`));
  const line = (await screenRows(page.getByRole('tabpanel'))).filter((row) => row.startsWith(`${mark}=`)).at(-1)!;
  const [rows, cols] = line.slice(mark.length + 1).split(' ').map(Number);
  return { rows, cols };
}

async function openSettings() {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.waitFor();
  return dialog;
}

test('"Shell in all containers" opens a live shell in each container of web at once; a one-container pod has no such button', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'alpine-tools', exact: true }).click();
  await page.getByRole('heading', { name: 'alpine-tools' }).waitFor();
  await page.getByRole('button', { name: 'Shell', exact: true }).waitFor();
  assert.is(await page.getByRole('button', { name: 'Shell in all containers' }).count(), 0);
  await page.getByRole('link', { name: 'All pods' }).click();
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('button', { name: 'Shell in all containers' }).click();
  for (const name of ['sidecar: shell', 'nginx: shell']) await waitForText(badgeOf(name), /^live$/);
  assert.is(await page.getByRole('tab').count(), 2);
  await tab('sidecar: shell').click();
  await waitForPrompt(page);
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('echo in-$((1+2))\r');
  await waitForRow(page, /^in-3$/);
});

test('Ctrl + and − change the font size of every terminal and refit them (the shell gets the new size); Ctrl 0 resets', async () => {
  await tab('nginx: shell').click();
  assert.is(await shownFontSize(), 13);
  const before = await sttySize('a');
  await page.keyboard.press('Control+=');
  await page.keyboard.press('Control+=');
  await page.waitForFunction(() => parseFloat(getComputedStyle(document.querySelector('[role=tabpanel] .xterm-rows')!).fontSize) === 15);
  const bigger = await sttySize('b');
  assert.ok(bigger.cols < before.cols && bigger.rows <= before.rows, `stty size went from ${JSON.stringify(before)} to ${JSON.stringify(bigger)}`);
  assert.equal(await storedPreferences(), { fontSize: 15, confirmClose: true, copyOnSelect: false, renderer: 'auto', screenReader: false });
  // the other terminal, not shown while the size changed, has it too, and told its shell
  await tab('sidecar: shell').click();
  assert.is(await shownFontSize(), 15);
  assert.equal(await sttySize('c'), bigger);
  await page.keyboard.press('Control+-');
  await page.waitForFunction(() => parseFloat(getComputedStyle(document.querySelector('[role=tabpanel] .xterm-rows')!).fontSize) === 14);
  await page.keyboard.press('Control+0');
  await page.waitForFunction(() => parseFloat(getComputedStyle(document.querySelector('[role=tabpanel] .xterm-rows')!).fontSize) === 13);
  assert.equal(await sttySize('d'), before);
});

test('the font size stops at 8 and 32 px', async () => {
  for (let i = 0; i < 25; i++) await page.keyboard.press('Control+-');
  await page.waitForFunction(() => parseFloat(getComputedStyle(document.querySelector('[role=tabpanel] .xterm-rows')!).fontSize) === 8);
  assert.is((await storedPreferences()).fontSize, 8);
  for (let i = 0; i < 30; i++) await page.keyboard.press('Control+Shift+=');
  await page.waitForFunction(() => parseFloat(getComputedStyle(document.querySelector('[role=tabpanel] .xterm-rows')!).fontSize) === 32);
  assert.is((await storedPreferences()).fontSize, 32);
  await page.keyboard.press('Control+0');
});

test('Settings: a font size typed in range applies at once and survives a reload; out of range is refused with a sentence', async () => {
  const dialog = await openSettings();
  const field = dialog.getByRole('spinbutton', { name: 'Font size (px)' });
  assert.is(await field.inputValue(), '13');
  await field.fill('40');
  await waitForText(dialog.locator('#setting-font-size-hint'), /whole number of pixels from 8 to 32/);
  assert.is((await storedPreferences()).fontSize, 13);
  await field.fill('17');
  await page.waitForFunction(() => parseFloat(getComputedStyle(document.querySelector('[role=tabpanel] .xterm-rows')!).fontSize) === 17);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.reload();
  await waitForText(badgeOf('sidecar: shell'), /^live$/);
  assert.is(await shownFontSize(), 17);
});

test('Settings: Cancel and Escape put back the settings it opened with; what changed showed only meanwhile', async () => {
  const fontSizeIs = (px: number) => page.waitForFunction((px) => parseFloat(getComputedStyle(document.querySelector('[role=tabpanel] .xterm-rows')!).fontSize) === px, px);
  const opened = { fontSize: 17, confirmClose: true, copyOnSelect: false, renderer: 'auto', screenReader: false };
  assert.equal(await storedPreferences(), opened);
  for (const leave of ['Cancel', 'Escape']) {
    const dialog = await openSettings();
    await dialog.getByRole('spinbutton', { name: 'Font size (px)' }).fill('10');
    await dialog.getByRole('checkbox', { name: 'Copy on select' }).check();
    await fontSizeIs(10);
    assert.equal(await storedPreferences(), { ...opened, fontSize: 10, copyOnSelect: true }, 'a preview while the dialog is open');
    if (leave === 'Cancel') await dialog.getByRole('button', { name: 'Cancel' }).click();
    else await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await fontSizeIs(17);
    assert.equal(await storedPreferences(), opened, leave);
  }
});

test("Settings: screen reader support puts the terminal's text where a screen reader reads it, in every terminal; off, it is hidden again", async () => {
  const readable = () => page.getByRole('tabpanel').locator('.xterm-accessibility-tree');
  const hiddenRows = () => page.getByRole('tabpanel').locator('.xterm-rows').getAttribute('aria-hidden');
  assert.is(await readable().count(), 0, 'off by default');
  assert.is(await hiddenRows(), 'true', "the drawn rows are hidden from a screen reader: off, it reads nothing of the output");
  let dialog = await openSettings();
  await dialog.getByRole('checkbox', { name: 'Screen reader support' }).check();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.is((await storedPreferences()).screenReader, true);
  await tab('sidecar: shell').click();
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('echo spoken-$((6*7))\r');
  await waitForText(readable(), /spoken-42/);
  await tab('nginx: shell').click();
  await waitForText(readable(), /\S/); // the other terminal, made readable while it was not shown
  dialog = await openSettings();
  await dialog.getByRole('checkbox', { name: 'Screen reader support' }).uncheck();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.waitForFunction(() => !document.querySelector('[role=tabpanel] .xterm-accessibility-tree'));
});

test('a stored font size out of range, or garbage, is the default', async () => {
  const whole = (text: string) => ({ 'octant-exec.preferences': text }); // as earlier versions stored the settings
  const garbage = [
    ...['{"fontSize":500,"confirmClose":"no","copyOnSelect":1}', '{"fontSize":"big"}', 'not json', '[7]'].map(whole),
    { 'octant-exec.preferences.fontSize': '500', 'octant-exec.preferences.confirmClose': '"no"', 'octant-exec.preferences.copyOnSelect': '1' },
    { 'octant-exec.preferences.fontSize': 'not json', ...whole('{"fontSize":20}') },
  ];
  for (const stored of garbage) {
    await page.evaluate((items) => {
      localStorage.clear();
      for (const [key, value] of Object.entries(items)) localStorage.setItem(key, value);
    }, stored);
    await page.reload();
    await waitForText(badgeOf('sidecar: shell'), /^live$/);
    assert.is(await shownFontSize(), 13, JSON.stringify(stored));
  }
  const dialog = await openSettings();
  assert.is(await dialog.getByRole('spinbutton', { name: 'Font size (px)' }).inputValue(), '13');
  assert.ok(await dialog.getByRole('checkbox', { name: 'Ask before closing a terminal that still runs' }).isChecked());
  assert.not.ok(await dialog.getByRole('checkbox', { name: 'Copy on select' }).isChecked());
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
});

test('settings an earlier version stored whole survive the upgrade, and a change now keeps the others', async () => {
  await page.evaluate(() => {
    localStorage.clear();
    localStorage.setItem('octant-exec.preferences', '{"fontSize":16,"confirmClose":false,"copyOnSelect":false,"webgl":true}');
  });
  await page.reload();
  await waitForText(badgeOf('sidecar: shell'), /^live$/);
  assert.is(await shownFontSize(), 16);
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.press('Control+=');
  await page.waitForFunction(() => parseFloat(getComputedStyle(document.querySelector('[role=tabpanel] .xterm-rows')!).fontSize) === 17);
  await page.reload();
  await waitForText(badgeOf('sidecar: shell'), /^live$/);
  assert.is(await shownFontSize(), 17);
  assert.equal(await storedPreferences(), { fontSize: 17, confirmClose: false, copyOnSelect: false, renderer: 'auto', screenReader: false });
  await page.evaluate(() => localStorage.clear()); // the defaults again, for the steps after this one
  await page.reload();
  await waitForText(badgeOf('sidecar: shell'), /^live$/);
});

test('closing a running terminal asks first: Cancel keeps it, "Close terminal" ends it', async () => {
  await closeButton('nginx: shell').click();
  const dialog = confirmDialog();
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /still runs in nginx \(default\/web\)/);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  await waitForText(badgeOf('nginx: shell'), /^live$/);
  await tab('nginx: shell').focus();
  await page.keyboard.press('Delete'); // the keyboard's way asks too
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Close terminal' }).click();
  await tab('nginx: shell').waitFor({ state: 'detached' });
});

test('an ended terminal closes at once; with the setting off a running one does too', async () => {
  await tab('sidecar: shell').click();
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('exit 3\r');
  await waitForText(badgeOf('sidecar: shell'), /^exited 3$/);
  await closeButton('sidecar: shell').click();
  await tab('sidecar: shell').waitFor({ state: 'detached' });
  assert.is(await confirmDialog().count(), 0);

  const dialog = await openSettings();
  await dialog.getByRole('checkbox', { name: 'Ask before closing a terminal that still runs' }).uncheck();
  await dialog.getByRole('button', { name: 'Done' }).click();
  assert.is((await storedPreferences()).confirmClose, false);
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(badgeOf('nginx: shell'), /^live$/);
  await closeButton('nginx: shell').click();
  await tab('nginx: shell').waitFor({ state: 'detached' });
  assert.is(await confirmDialog().count(), 0);
  const again = await openSettings();
  await again.getByRole('checkbox', { name: 'Ask before closing a terminal that still runs' }).check();
  await again.getByRole('button', { name: 'Done' }).click();
});

test('"Close" on the Terminals page works in every state: disconnected and exited at once, live after the question', async () => {
  await page.getByRole('button', { name: 'Shell in all containers' }).click();
  for (const name of ['sidecar: shell', 'nginx: shell']) await waitForText(badgeOf(name), /^live$/);
  await tab('sidecar: shell').click();
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('exit 0\r');
  await waitForText(badgeOf('sidecar: shell'), /^exited 0$/);
  await page.getByRole('combobox', { name: 'Namespace', exact: true }).selectOption('batch');
  await page.getByRole('link', { name: 'worker-2', exact: true }).click();
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(badgeOf('main: shell'), /^live$/);
  assert.ok(b.app.sandbox!.deletePod('batch', 'worker-2'));
  await waitForText(badgeOf('main: shell'), /^disconnected$/);

  await page.getByRole('link', { name: 'Terminals', exact: true }).click();
  const row = (text: string) => page.locator('tbody tr', { hasText: text });
  await waitForText(row('worker-2'), /disconnected/);
  assert.is(await page.locator('tbody tr').count(), 3);
  await row('worker-2').getByRole('button', { name: 'Close' }).click();
  await row('worker-2').waitFor({ state: 'detached' });
  await row('exited 0').getByRole('button', { name: 'Close' }).click();
  await row('exited 0').waitFor({ state: 'detached' });
  assert.is(await confirmDialog().count(), 0);
  await row('live').getByRole('button', { name: 'Close' }).click();
  await confirmDialog().getByRole('button', { name: 'Close terminal' }).click();
  await page.getByText('No terminals.').waitFor();
  assert.equal(b.problems, [], 'no page error, no CSP violation');
});

test.run();

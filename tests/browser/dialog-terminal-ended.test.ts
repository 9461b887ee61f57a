// A terminal's dialog (Upload, Download, Share) open while its terminal ends: the button that
// opened it goes with the terminal's run (an ended terminal offers none of them), so closing the
// dialog cannot give the focus back to it. It goes to the panel's Restart, what the terminal offers
// now, never to <body> (where a screen reader says nothing and Tab starts over at the top).
// The terminal is ended from a second page of the same browser, typing `exit` in it.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { focusGoesTo } from './focus-checks.ts';
import { appForFile, byName, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;
let other: Page;
appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const { badgeOf, button } = byName(() => page);
const NAME = 'nginx: shell';

/** Types `exit` into the terminal from the other page, and waits until this page shows it ended. */
async function exitFromTheOtherPage(): Promise<void> {
  await other.getByRole('tab', { name: NAME, exact: true }).click();
  await waitForText(other.locator(`[role=tab][aria-label="${NAME}"] .badge`), /^live$/);
  await other.locator('[role=tabpanel] .xterm').click();
  await other.keyboard.type('exit\r');
  await waitForText(badgeOf(NAME), /^exited 0$/);
}

test('a shell in web, seen from two pages', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await button('Shell').click();
  await waitForText(badgeOf(NAME), /^live$/);
  other = await b.context.newPage();
  await other.goto(`${b.app.url}?namespace=default&pod=web`);
});

for (const [opener, dialogName] of [
  ['Upload…', /^Upload to nginx$/],
  ['Download…', /^Download from nginx$/],
  ['Share…', /^Share nginx/],
] as const) {
  test(`${opener}'s dialog closed after its terminal ended gives the focus to Restart`, async () => {
    await button(opener).click();
    const dialog = page.getByRole('dialog', { name: dialogName });
    await dialog.waitFor();
    await exitFromTheOtherPage();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.is(await focusGoesTo(page, button('Restart')), true);
    // and from there the terminal runs again, for the next step
    await page.keyboard.press('Enter');
    await waitForText(badgeOf(NAME), /^live$/);
  });
}

test('no page errors', async () => {
  await other.close();
  assert.equal(b.problems, []);
});

test.run();

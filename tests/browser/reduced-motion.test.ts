// A blinking cursor is motion: with the system's "reduce motion" (prefers-reduced-motion: reduce)
// a terminal's cursor stands still, and it follows the setting while the page is open, as the
// theme follows dark mode. Without it, a terminal someone types into blinks as before.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { appForFile, byName, waitForRow, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;

appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const { badgeOf } = byName(() => page);

/** The shown terminal's xterm.js option, as the page set it. */
const cursorBlink = () => page.evaluate(() => (document.querySelector('[role=tabpanel] .xterm-host') as unknown as { terminal: { options: { cursorBlink?: boolean } } }).terminal.options.cursorBlink);
/** Waits (bounded) until the shown terminal's option and its drawn cursor both say `blinks`. */
async function blinking(blinks: boolean): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const host = document.querySelector('[role=tabpanel] .xterm-host') as unknown as { terminal?: { options: { cursorBlink?: boolean } } } | null;
      const drawn = document.querySelector('[role=tabpanel] .xterm-rows .xterm-cursor-blink') !== null;
      return host?.terminal?.options.cursorBlink === want && drawn === want;
    },
    blinks,
    { timeout: 5_000 },
  );
}

test('with reduced motion the cursor does not blink, and it follows the setting live and across a reload', async () => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'alpine-tools', exact: true }).click();
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(badgeOf('tools: shell'), /^live$/);
  await waitForRow(page, /^#$/);
  await page.locator('[role=tabpanel] .xterm').click(); // focused: xterm.js draws a blinking cursor only there
  await page.locator('[role=tabpanel] .xterm-rows .xterm-cursor').waitFor();
  assert.is(await cursorBlink(), false, 'a terminal opened under reduced motion');
  await blinking(false);

  await page.emulateMedia({ reducedMotion: 'no-preference' });
  await blinking(true);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await blinking(false);

  await page.reload();
  await waitForText(badgeOf('tools: shell'), /^live$/);
  await waitForRow(page, /^#$/);
  await page.locator('[role=tabpanel] .xterm').click();
  await page.locator('[role=tabpanel] .xterm-rows .xterm-cursor').waitFor();
  assert.is(await cursorBlink(), false, 'a terminal brought back by a reload under reduced motion');
  await blinking(false);
  assert.equal(b.problems, [], 'no page error, no CSP violation');
});

test('without reduced motion a terminal typed into blinks', async () => {
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  await page.reload();
  await waitForRow(page, /^#$/);
  await page.locator('[role=tabpanel] .xterm').click();
  await blinking(true);
});

test.run();

// Settings are this browser's (localStorage), so every page of it shares them: a change made in
// one page shows in another page already open, and a later change there (the font size) does not
// put back what the first page turned off (each page wrote its whole copy, stale or not).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { waitFor } from '../support/wait.ts';
import { appForFile, type BrowserApp } from './support.ts';

let b: BrowserApp;
let first: Page;
let second: Page;
appForFile(test, (app) => {
  b = app;
  first = app.page;
});

const stored = (p: Page) => p.evaluate(() => JSON.parse(localStorage.getItem('octant-exec.preferences') ?? '{}') as { confirmClose?: boolean; fontSize?: number });
const settings = (p: Page) => p.getByRole('dialog', { name: 'Settings' });
const askBeforeClosing = (p: Page) => settings(p).getByRole('checkbox', { name: 'Ask before closing a terminal that still runs' });

test('two pages of the app in one browser', async () => {
  await first.goto(b.openUrl);
  await first.getByRole('link', { name: 'web', exact: true }).waitFor();
  second = await b.context.newPage();
  await second.goto(b.app.url);
  await second.getByRole('link', { name: 'web', exact: true }).waitFor();
});

test('"Ask before closing" turned off in one page shows off in the other', async () => {
  await first.getByRole('button', { name: 'Settings', exact: true }).click();
  await askBeforeClosing(first).uncheck();
  await settings(first).getByRole('button', { name: 'Done' }).click();
  assert.is((await stored(first)).confirmClose, false);
  await second.getByRole('button', { name: 'Settings', exact: true }).click();
  await settings(second).waitFor();
  // the other page hears of the change by the browser's storage event, which comes in its own time:
  // read at once, the box could still show the setting as it was
  await waitFor(async () => !(await askBeforeClosing(second).isChecked()), '"Ask before closing" shown off in the other page');
});

test('a font size set in the other page then keeps "Ask before closing" off', async () => {
  await settings(second).getByRole('spinbutton', { name: 'Font size (px)' }).fill('15');
  await settings(second).getByRole('button', { name: 'Done' }).click();
  assert.equal(await stored(second), { ...(await stored(second)), fontSize: 15, confirmClose: false });
});

test('no page errors', async () => {
  await second.close();
  assert.equal(b.problems, []);
});

test.run();

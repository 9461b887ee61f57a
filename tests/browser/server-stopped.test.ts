// A page whose octant-exec is stopped under it (Ctrl-C), in a real Chromium: the server ends the
// page's terminals (serverShutdown) and closes its socket, and the page's banner then says that
// octant-exec was stopped and to open the URL it prints once it is started again, not
// "reconnecting…" for ever. Steps share one page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { appForFile, byName, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;

appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const { tab, badgeOf, button } = byName(() => page);

test('a shell in web is live', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await button('Shell').click();
  await waitForText(badgeOf('nginx: shell'), /^live$/);
});

test('octant-exec is stopped: its terminal shows disconnected, and the banner says it stopped and to open the URL it prints once started again', async () => {
  await b.app.close();
  await waitForText(badgeOf('nginx: shell'), /^disconnected$/);
  assert.match((await tab('nginx: shell').getAttribute('title')) ?? '', /octant-exec was stopped/);
  const banner = page.getByRole('status').filter({ hasText: 'octant-exec' });
  await waitForText(banner, /^octant-exec was stopped\b.*When it is started again, open the URL it prints\.$/);
  assert.not.match(await banner.innerText(), /reconnecting/);
});

test('no page error and no Content-Security-Policy violation happened on the way', () => {
  assert.equal(b.problems, []);
});

test.run();

// A page whose octant-exec is stopped under it (Ctrl-C), in a real Chromium: the server ends the
// page's terminals (serverShutdown) and closes its socket, and the page's banner then says that
// octant-exec was stopped and to open the URL it prints once it is started again, not
// "reconnecting…" for ever. Steps share one page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page, Request } from 'playwright-core';
import { alertCards, appForFile, byName, waitForText, type BrowserApp } from './support.ts';

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

test('while it cannot be reached, Restart, Shell and the tab\'s × are off (focusable, saying why) and a click on them sends nothing', async () => {
  const off = /^octant-exec cannot be reached right now: this comes back once it answers again\.$/;
  for (const name of ['Restart', 'Shell', 'Close nginx: shell']) {
    await page.waitForFunction((n) => [...document.querySelectorAll('button')].some((el) => (el.getAttribute('aria-label') ?? el.textContent) === n && el.getAttribute('aria-disabled') === 'true'), name);
    assert.match((await button(name).getAttribute('title')) ?? '', off, name);
    assert.is(await button(name).evaluate((el) => (el as HTMLButtonElement).disabled), false, `${name} is not disabled: it keeps the focus it may have`);
  }
  // a click's request would be sent in the click's own task, and its event comes before the evaluate's answer
  const asked: string[] = [];
  // the reconnects' own question (GET /api/v1/info: still signed in?) is not a click's
  const onRequest = (request: Request) => void (/^\/api\/(?!v1\/info$)/.test(new URL(request.url()).pathname) && asked.push(request.url()));
  page.on('request', onRequest);
  const alerts = await alertCards(page).count();
  await button('Restart').click({ force: true });
  await button('Shell').click({ force: true });
  await button('Close nginx: shell').click({ force: true });
  await tab('nginx: shell').press('Delete');
  await page.evaluate(() => 0);
  page.off('request', onRequest);
  assert.equal(asked, [], 'nothing asked of the server');
  assert.is(await alertCards(page).count(), alerts, 'no alert of a request that could not be sent');
  assert.is(await tab('nginx: shell').count(), 1, 'the terminal is still there');
});

test('no page error and no Content-Security-Policy violation happened on the way', () => {
  assert.equal(b.problems, []);
});

test.run();

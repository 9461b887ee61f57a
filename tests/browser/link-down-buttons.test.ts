// While the page's link to octant-exec is down and the server still runs (a network's cut: the
// page keeps reconnecting), in a real Chromium against the server and the sandbox: the buttons of
// a live terminal that ask the server (Share…, Upload…, Download…, Record, the tab's ×) are off,
// focusable and saying why, and a click on them opens nothing and asks nothing. They each used to
// fail with an alert of their own beside the banner. Once the link is back they work again.
// Steps share one page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page, Request } from 'playwright-core';
import { alertCards, appForFile, byName, cuttableLink, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;

// Record is offered where recording is opt-in
appForFile(
  test,
  (app) => {
    b = app;
    page = app.page;
  },
  { recording: { mode: 'opt-in' } },
);

const { badgeOf, button } = byName(() => page);
const OFF = 'octant-exec cannot be reached right now: this comes back once it answers again.';
const ASKING = ['Share…', 'Upload…', 'Download…', 'Record', 'Close nginx: shell'];
let link: Awaited<ReturnType<typeof cuttableLink>>;

test('a live shell in web, its link through the test', async () => {
  link = await cuttableLink(page);
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await button('Shell').click();
  await waitForText(badgeOf('nginx: shell'), /^live$/);
  for (const name of ASKING) assert.is(await button(name).getAttribute('aria-disabled'), null, name);
});

test('the link goes: what asks the server is off, saying why, and a click opens nothing and asks nothing', async () => {
  await link.cut(true); // and the page's reconnects are refused, as an unreachable server's
  await waitForText(page.getByRole('status').filter({ hasText: 'octant-exec' }), /reconnecting/);
  for (const name of ASKING) {
    assert.is(await button(name).getAttribute('aria-disabled'), 'true', name);
    assert.is(await button(name).getAttribute('title'), OFF, name);
  }
  const asked: string[] = [];
  const onRequest = (request: Request) => void (new URL(request.url()).pathname.startsWith('/api/') && asked.push(request.url()));
  page.on('request', onRequest);
  const alerts = await alertCards(page).count();
  for (const name of ASKING) await button(name).click({ force: true });
  // a click's request would be sent in the click's own task, and its event comes before the evaluate's answer
  await page.evaluate(() => 0);
  page.off('request', onRequest);
  assert.equal(asked, [], 'nothing asked of the server');
  assert.is(await page.getByRole('dialog').count(), 0, 'no dialog opened');
  assert.is(await alertCards(page).count(), alerts, 'no alert of a request that could not be sent');
  assert.is(await button('Record').getAttribute('aria-pressed'), 'false', 'not recording');
});

test('the link is back: the terminal is live again and its buttons on, with their own titles', async () => {
  link.restore();
  await waitForText(badgeOf('nginx: shell'), /^live$/);
  await page.waitForFunction(() => !document.querySelector('.banner'));
  for (const name of ASKING) {
    assert.is(await button(name).getAttribute('aria-disabled'), null, name);
    assert.not.equal(await button(name).getAttribute('title'), OFF, name);
  }
  await button('Share…').click();
  await page.getByRole('dialog').waitFor();
});

test('no page error and no Content-Security-Policy violation happened on the way', () => {
  assert.equal(b.problems, []);
});

test.run();

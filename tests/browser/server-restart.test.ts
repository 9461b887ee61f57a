// A page whose octant-exec restarted under it, in a real Chromium: the socket drops without a word
// (as when the process is killed, or the network goes with it), and the new server, with a new
// token, refuses the page (401). The page says so, and its terminals show disconnected, with why,
// instead of still looking live; Restart is off with the reason. Steps share one page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Duplex } from 'node:stream';
import type { Page } from 'playwright-core';
import { appForFile, byName, startPageServer, waitForText, type BrowserApp, type PageServer } from './support.ts';

let b: BrowserApp;
let page: Page;
let restarted: PageServer | undefined;
const upgraded: Duplex[] = [];

appForFile(test, (app) => {
  b = app;
  page = app.page;
  // the test's own handle on every socket the page opens, to cut them
  b.app.server.on('upgrade', (_req, socket) => upgraded.push(socket));
});
test.after(async () => {
  await restarted?.close();
});

const { tab, badgeOf, button } = byName(() => page);

test('a shell in web is live', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await button('Shell').click();
  await waitForText(badgeOf('nginx: shell'), /^live$/);
});

test('octant-exec restarts with a new token while the socket is cut: the page is refused, and its terminal shows disconnected, not live', async () => {
  // while the old server goes and the new one comes, the page's reconnects find nothing
  let serverUp = false;
  await page.routeWebSocket(/\/api\/v1\/stream/, (ws) => {
    if (serverUp) ws.connectToServer();
    else ws.close();
  });
  for (const socket of upgraded.splice(0)) socket.destroy();
  const port = b.app.port;
  await b.app.close();
  restarted = await startPageServer({ port });
  serverUp = true;

  await waitForText(page.locator('.banner.error'), /no longer accepts this page/, 60_000);
  await waitForText(badgeOf('nginx: shell'), /^disconnected$/);
  assert.match((await tab('nginx: shell').getAttribute('title')) ?? '', /no longer signed in/);
  await waitForText(page.locator('[role=tabpanel] .panel-message'), /no longer signed in/);
  // off as every button that asks the server is: focusable (aria-disabled), pointing at the banner
  const restart = button('Restart');
  assert.is(await restart.getAttribute('aria-disabled'), 'true', 'Restart would only be refused');
  assert.is(await restart.getAttribute('title'), 'octant-exec no longer takes this page: the banner at the top says how to get back in.');
});

test('the Terminals page says the same', async () => {
  await page.getByRole('link', { name: 'Terminals', exact: true }).click();
  const row = page.getByRole('table', { name: 'Terminals' }).locator('tbody tr');
  await waitForText(row.locator('.badge').first(), /^disconnected$/);
});

test('no page error and no Content-Security-Policy violation happened on the way', () => {
  assert.equal(b.problems, []);
});

test.run();

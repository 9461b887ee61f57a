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

/** A file dragged onto the shown terminal and dropped: whether the page took the drag and the drop from the browser (which would open the file), and the cursor it asked for. */
const dropAFile = () =>
  page.evaluate(() => {
    const area = document.querySelector('[role=tabpanel] .terminal-area')!;
    const files = new DataTransfer();
    files.items.add(new File(['hello'], 'notes.txt', { type: 'text/plain' }));
    const over = new DragEvent('dragover', { dataTransfer: files, bubbles: true, cancelable: true });
    area.dispatchEvent(over);
    const drop = new DragEvent('drop', { dataTransfer: files, bubbles: true, cancelable: true });
    area.dispatchEvent(drop);
    return { over: over.defaultPrevented, cursor: files.dropEffect, drop: drop.defaultPrevented };
  });

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
  // the reconnects' own question (GET /api/v1/info: still signed in?) is not a click's
  const onRequest = (request: Request) => void (/^\/api\/(?!v1\/info$)/.test(new URL(request.url()).pathname) && asked.push(request.url()));
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
  // a file dropped is taken from the browser (it would open the file, leaving the page), and goes nowhere
  assert.equal(await dropAFile(), { over: true, cursor: 'none', drop: true });
  assert.is(await page.getByRole('dialog').count(), 0, 'no Upload dialog');
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
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  // a file dropped now opens the Upload dialog with it
  assert.equal((await dropAFile()).drop, true);
  await waitForText(page.getByRole('dialog'), /notes\.txt/);
});

test('a dialog opened before the link goes cannot run meanwhile: its Run is off, saying why, and Enter does nothing', async () => {
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  await button('Download…').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('textbox').fill('/etc/hostname');
  await link.cut(true);
  const run = dialog.getByRole('button', { name: 'Download', exact: true });
  await page.waitForFunction(() => document.querySelector('dialog button[type=submit]')?.getAttribute('aria-disabled') === 'true');
  assert.is(await run.getAttribute('title'), OFF);
  const alerts = await alertCards(page).count();
  await dialog.getByRole('textbox').press('Enter');
  await run.click({ force: true });
  assert.is(await dialog.count(), 1, 'the dialog stays, with what was typed');
  assert.is(await alertCards(page).count(), alerts, 'no alert');
  link.restore();
  await page.waitForFunction(() => document.querySelector('dialog button[type=submit]')?.getAttribute('aria-disabled') === null);
  await page.keyboard.press('Escape');
});

test('no page error and no Content-Security-Policy violation happened on the way', () => {
  assert.equal(b.problems, []);
});

test.run();

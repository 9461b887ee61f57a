// A double click on a terminal panel's bar, in a real Chromium against the server and the sandbox:
// its buttons change with the terminal's state, so a double click on Restart would land its
// second click on the button that comes where Restart was (Share…, Upload…, Record). A bar button
// acts on the first click of a double click only. Steps share one page, in order.
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

const { badgeOf, button } = byName(() => page);
/** the middle of Restart, where the second click of a double click on it lands */
let at = { x: 0, y: 0 };

/** The panel button at `at`, by its text, or undefined. */
const buttonAt = () => page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('.panel-bar button')?.textContent ?? undefined, at);

/** What a click did: a dialog, a button pressed, or a request to the server. */
async function whatItDid(click: () => Promise<void>): Promise<string[]> {
  const did: string[] = [];
  const onRequest = (request: Request) => void (new URL(request.url()).pathname.startsWith('/api/') && did.push(`asked ${request.method()} ${new URL(request.url()).pathname}`));
  page.on('request', onRequest);
  const pressed = () => page.locator('.panel-bar [aria-pressed=true]').allInnerTexts();
  const before = await pressed();
  await click();
  // a click's request goes in the click's own task, its dialog in the render after it: two frames on, either is there
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  page.off('request', onRequest);
  if ((await page.getByRole('dialog').count()) > 0) did.push('opened a dialog');
  if (String(await pressed()) !== String(before)) did.push('pressed a button');
  return did;
}

test('an ended shell in web, its Restart under the mouse', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await button('Shell').click();
  await waitForText(badgeOf('nginx: shell'), /^live$/);
  await page.getByRole('tabpanel').locator('.xterm').click();
  await page.keyboard.type('exit\r');
  await waitForText(badgeOf('nginx: shell'), /^exited 0$/);
  const box = (await button('Restart').boundingBox())!;
  at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  assert.is(await buttonAt(), 'Restart');
});

test("a double click on Restart: its second click does nothing to the button that comes where Restart was", async () => {
  const alerts = await alertCards(page).count();
  await page.mouse.click(at.x, at.y);
  await waitForText(badgeOf('nginx: shell'), /^live$/);
  const came = await buttonAt();
  assert.ok(came && came !== 'Restart', `a button came where Restart was: ${came}`);
  // the second click of the double click, as the browser numbers it (detail 2)
  const did = await whatItDid(async () => {
    await page.mouse.down({ clickCount: 2 });
    await page.mouse.up({ clickCount: 2 });
  });
  assert.equal(did, [], `${came}: nothing`);
  assert.is(await alertCards(page).count(), alerts, 'no alert');
  // a click of its own still acts
  const acted = await whatItDid(() => page.mouse.click(at.x, at.y));
  assert.ok(acted.length > 0, `${came} acts on a click of its own`);
});

test('no page error and no Content-Security-Policy violation happened on the way', () => {
  assert.equal(b.problems, []);
});

test.run();

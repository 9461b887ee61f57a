// The page in a 640 px wide window, in a real Chromium against the server and the sandbox: the top
// bar and a live terminal's panel bar wrap instead of running off the right edge, so nothing
// scrolls sideways and every control of both bars can be seen and clicked; and in a short window
// a control reached by keyboard is never hidden under the sticky top bar. Steps share one server
// and one page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { appForFile, byName, screenshot, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;

appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const { badgeOf, button } = byName(() => page);

/**
 * How wide the document is against the window, and the controls of `bar` that are not wholly in
 * view or are covered at their middle (by a neighbour, or clipped away), by their text.
 */
async function fitOf(bar: string) {
  await page.locator(bar).scrollIntoViewIfNeeded();
  return page.evaluate((selector) => {
    const width = document.documentElement.clientWidth;
    const controls = [...document.querySelectorAll(`${selector} :is(a, button, select, input, .badge)`)] as HTMLElement[];
    const unreachable = controls
      .filter((el) => {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.left < 0 || r.right > width) return true;
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return !hit || !(el === hit || el.contains(hit) || hit.contains(el));
      })
      .map((el) => (el.id || el.innerText || el.tagName).trim());
    return { scrollWidth: document.documentElement.scrollWidth, width, controls: controls.length, unreachable };
  }, bar);
}

test('at 640 px the top bar wraps: no sideways scrolling, every link, picker and button in view', async () => {
  await page.setViewportSize({ width: 640, height: 900 });
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('heading', { name: 'web' }).waitFor();
  const fit = await fitOf('.top-bar');
  assert.ok(fit.controls >= 6, `the top bar's controls were found (${fit.controls})`);
  assert.equal(fit.unreachable, [], 'top bar controls out of view or covered');
  assert.ok(fit.scrollWidth <= fit.width, `the document is ${fit.scrollWidth} px wide in a ${fit.width} px window`);
});

test("at 640 px a live terminal's panel bar wraps: every button in view, and the page still does not scroll sideways", async () => {
  await button('Shell').click();
  await waitForText(badgeOf('nginx: shell'), /^live$/);
  await button('Download').waitFor();
  const fit = await fitOf('[role=tabpanel] .panel-bar');
  assert.ok(fit.controls >= 6, `the panel bar's controls were found (${fit.controls})`);
  assert.equal(fit.unreachable, [], 'panel bar controls out of view or covered');
  assert.ok(fit.scrollWidth <= fit.width, `the document is ${fit.scrollWidth} px wide in a ${fit.width} px window`);
  await screenshot(page, 'narrow-pod-view');
});

test('a control reached by Shift+Tab is scrolled into view below the sticky top bar, not under it', async () => {
  // a short window, the terminal's panel scrolled into view: the pod's buttons are above, out of sight
  await page.setViewportSize({ width: 1280, height: 420 });
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.press('Control+Shift+L'); // out of the terminal, onto its tab
  // back up the page by keyboard, as a person without a mouse does, to the pod's Shell button
  for (let i = 0; i < 40 && !(await page.evaluate(() => document.activeElement?.textContent === 'Shell')); i++) await page.keyboard.press('Shift+Tab');
  assert.is(await page.evaluate(() => document.activeElement?.textContent), 'Shell', 'Shift+Tab reached the Shell button');
  const [barBottom, top] = await page.evaluate(() => [document.querySelector('.top-bar')!.getBoundingClientRect().bottom, document.activeElement!.getBoundingClientRect().top]);
  assert.ok(top >= barBottom, `the focused Shell button's top (${top} px) is below the bar's bottom (${barBottom} px)`);
});

test('no page error and no Content-Security-Policy violation happened on the way', () => {
  assert.equal(b.problems, []);
});

test.run();

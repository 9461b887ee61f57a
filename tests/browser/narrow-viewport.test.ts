// The page in a 640 px wide window, in a real Chromium against the server and the sandbox: the top
// bar and a live terminal's panel bar wrap instead of running off the right edge, so nothing
// scrolls sideways and every control of both bars can be seen and clicked; in a short window a
// control reached by keyboard is never hidden under the sticky top bar; a table wider than the
// window (the Terminals page's, the Pods list, a pod's Containers) scrolls within itself with its
// row's buttons in view, and the Inspector stacks its columns within the window, at 640 px and at
// 400 px; at 400 px an alert's buttons go under its text; a tab named by a long command ends in an
// ellipsis. Steps share one server and one page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { alertCards, appForFile, byName, screenshot, waitForText, type BrowserApp } from './support.ts';
import { openExec, type TestApp } from '../server/support.ts';

let b: BrowserApp;
let page: Page;

appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const { badgeOf, button } = byName(() => page);

/**
 * How wide the document is against the window, and the controls of `bar` (of `kinds`) that are not
 * wholly in view or are covered at their middle (by a neighbour, or clipped away), by their text.
 */
async function fitOf(bar: string, kinds = ':is(a, button, select, input, .badge)') {
  // a table as it first shows, scrolled to its start: its row's buttons must be in view without a scroll
  await page.evaluate(() => document.querySelectorAll('.table-scroll').forEach((scroller) => (scroller.scrollLeft = 0)));
  if (!(await page.locator(bar).first().evaluate((el) => el.closest('.table-scroll')))) await page.locator(bar).first().scrollIntoViewIfNeeded();
  return page.evaluate(([selector, kinds]) => {
    const width = document.documentElement.clientWidth;
    const controls = [...document.querySelectorAll(`${selector} ${kinds}`)] as HTMLElement[];
    const unreachable = controls
      .filter((el) => {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.left < 0 || r.right > width) return true;
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return !hit || !(el === hit || el.contains(hit) || hit.contains(el));
      })
      .map((el) => (el.id || el.innerText || el.tagName).trim());
    return { scrollWidth: document.documentElement.scrollWidth, width, controls: controls.length, unreachable };
  }, [bar, kinds] as const);
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
  await button('Save transcript').waitFor();
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

/** Asserts that the document is no wider than the window, and that `bar`'s controls (of `kinds`) are all in view and uncovered. */
async function assertFits(bar: string, kinds?: string, least = 1) {
  const fit = await fitOf(bar, kinds);
  assert.ok(fit.controls >= least, `${bar}: its controls were found (${fit.controls})`);
  assert.equal(fit.unreachable, [], `${bar}: controls out of view or covered`);
  assert.ok(fit.scrollWidth <= fit.width, `${bar}: the document is ${fit.scrollWidth} px wide in a ${fit.width} px window`);
}

for (const width of [640, 400]) {
  test(`at ${width} px the Terminals page does not scroll sideways: its table scrolls within itself, each row's Open and Close in view`, async () => {
    await page.setViewportSize({ width, height: 900 });
    await page.getByRole('link', { name: 'Terminals', exact: true }).click();
    await page.getByRole('button', { name: 'Close web/nginx: shell', exact: true }).waitFor();
    await assertFits('table[aria-label="Terminals"] td.actions', 'button', 2);
    await assertFits('.page-head');
    await screenshot(page, `narrow-terminals-${width}`);
  });

  test(`at ${width} px the Pods list does not scroll sideways: each pod's checkbox and link in view`, async () => {
    await page.getByRole('link', { name: 'Pods', exact: true }).click();
    await page.getByRole('link', { name: 'web', exact: true }).waitFor();
    await assertFits('table[aria-label="Pods in default"]', ':is(a, input)', 2);
    await assertFits('.batch-bar');
  });

  test(`at ${width} px the Pod view does not scroll sideways: its buttons and each container's Shell, Debug and Attach in view`, async () => {
    await page.getByRole('link', { name: 'web', exact: true }).click();
    await page.getByRole('button', { name: 'Debug nginx', exact: true }).waitFor();
    await assertFits('.pod-head', 'button', 2);
    await assertFits('table[aria-label="Containers"] td.row-actions', 'button', 2);
    await screenshot(page, `narrow-pod-view-${width}`);
  });

  test(`at ${width} px the Inspector stacks its event log over the session list, within the window`, async () => {
    await page.getByRole('link', { name: 'Inspector', exact: true }).click();
    await page.locator('ol.events button.event').first().waitFor();
    await assertFits('.page-head', 'select');
    await assertFits('ol.events', 'li:nth-child(-n+3) button.event', 2);
  });
}

test("at 400 px an alert's buttons go under its text, which keeps the card's width", async () => {
  await page.setViewportSize({ width: 400, height: 900 });
  await page.getByRole('link', { name: 'Pods', exact: true }).click();
  await page.getByRole('link', { name: 'web', exact: true }).click();
  // a refusal of the server's, as a notice: the test answers for it
  const sentence = 'The cluster refused this exec: a sentence long enough to need the width of the card.';
  await page.route('**/api/v1/exec', (route) => route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { message: sentence } }) }));
  try {
    await button('Shell').click();
    const card = alertCards(page).filter({ hasText: sentence });
    await card.waitFor();
    const [text, buttons] = await Promise.all([card.locator('p').boundingBox(), card.locator('.alert-actions').boundingBox()]);
    assert.ok(text && buttons && buttons.y >= text.y + text.height, `the buttons (top ${buttons?.y} px) are under the text (bottom ${(text?.y ?? 0) + (text?.height ?? 0)} px)`);
    await assertFits('.alerts', 'button');
    await card.getByRole('button', { name: /^Dismiss/ }).click();
  } finally {
    await page.unroute('**/api/v1/exec');
  }
});

test("at 640 px a tab named by a long command ends in an ellipsis, with the whole name in its title: it neither takes a row of its own nor widens the page", async () => {
  await page.setViewportSize({ width: 640, height: 900 });
  const app = Object.assign(Object.create(b.app), { host: `127.0.0.1:${b.app.port}`, origin: `http://127.0.0.1:${b.app.port}` }) as TestApp;
  const words = 'a one-shot command whose words run on for far longer than any tab should be wide';
  await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['echo', words] }, interactive: false });
  await page.reload();
  const tab = page.getByRole('tab').filter({ hasText: 'echo' });
  await waitForText(tab, /echo 'a one-shot/);
  const title = tab.locator('.tab-title');
  const [width, full] = await title.evaluate((el) => [el.getBoundingClientRect().width, el.scrollWidth > el.clientWidth]);
  assert.ok(full, 'the name is cut short');
  assert.ok(width <= 640 / 2, `the name takes ${width} px of the window's 640`);
  assert.match((await tab.getAttribute('title')) ?? '', words);
  await assertFits('.tab-list', '[role=tab]');
});

test("at 800 px the Terminals page shows that long command on one line, cut short, with the whole of it on hover, and counts what runs and what ended", async () => {
  await page.setViewportSize({ width: 800, height: 900 });
  await page.getByRole('link', { name: 'Terminals', exact: true }).click();
  const cell = page.locator('table[aria-label="Terminals"] td.command-cell').filter({ hasText: 'echo' });
  await waitForText(cell, /^echo 'a one-shot/);
  // the count beside the heading: the shell runs, the command has ended
  await waitForText(page.locator('.page-head .muted'), /^1 running, 1 ended$/);
  const [lines, cut] = await cell.evaluate((el) => {
    const text = document.createRange();
    text.selectNodeContents(el);
    return [new Set([...text.getClientRects()].map((r) => Math.round(r.top))).size, el.scrollWidth > el.clientWidth];
  });
  assert.ok(cut, 'the command is cut short');
  assert.is(lines, 1, 'one line, where it used to wrap into six');
  await screenshot(page, 'terminals-long-command-800');
  assert.match((await cell.getAttribute('title')) ?? '', /far longer than any tab should be wide/);
  await assertFits('table[aria-label="Terminals"] td.actions', 'button', 2);
});

test('no page error and no Content-Security-Policy violation happened on the way', () => {
  assert.equal(b.problems, []);
});

test.run();

// A screen reader hears of each alert once, when it comes: the cards are a plain list in the
// "Alerts" region, and one live region gets the text of each alert that arrives while the page is
// open. "Show N more", a dismissal that brings an older alert back into the newest five, and a
// reload put cards on the page again without a word. Every text added to the live region is
// logged by a MutationObserver from the page's start (an init script), so an announcement made
// and taken back between two looks is caught too.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { alertCards, startBrowserApp, type BrowserApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

let b: BrowserApp;
let page: Page;

test.before(async () => {
  b = await startBrowserApp({ idleTimeoutSeconds: 2 });
  page = b.page;
  // a string, not a function: the page gets it as written (tsx would add helpers the page lacks)
  await page.addInitScript(`{
    const said = [];
    Object.defineProperty(window, 'announced', { value: said });
    const region = '[data-testid="alert-announcer"]';
    const inRegion = (node) => (node instanceof Element ? node : node.parentElement)?.closest(region);
    new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === 'characterData') {
          if (inRegion(record.target)) said.push(record.target.textContent);
          continue;
        }
        for (const node of record.addedNodes) {
          // added inside the region, or the region itself put on the page with its text
          const text = inRegion(record.target) ? node.textContent : node instanceof Element ? (node.matches(region) ? node : node.querySelector(region))?.textContent : undefined;
          if (text) said.push(text);
        }
      }
    }).observe(document, { childList: true, subtree: true, characterData: true });
  }`);
});
test.after(async () => {
  await b?.close();
});

const announced = () => page.evaluate(() => [...(window as unknown as { announced: string[] }).announced]);
const liveRegion = () => page.getByTestId('alert-announcer');
/** The text of every card on the page (the hidden ones are not there). */
const cardTexts = () => alertCards(page).locator('p').allTextContents();
const button = (name: string) => page.getByRole('button', { name, exact: true });

/** Opens a shell in alpine-tools: with nothing typed, it times out in 2 s and raises an alert. */
async function idleShell(): Promise<void> {
  await button('Shell').click();
}

/** Waits (bounded) until the cards show `count`, and returns their texts. */
async function cards(count: number): Promise<string[]> {
  await alertCards(page).nth(count - 1).waitFor({ timeout: 20_000 });
  return cardTexts();
}

async function noCardIsLive(): Promise<void> {
  const live = await page.getByRole('region', { name: 'Alerts' }).evaluate((region) => [region, ...region.querySelectorAll('*')].filter((el) => el.matches('[role=alert], [role=status], [aria-live]')).map((el) => el.outerHTML.slice(0, 80)));
  assert.equal(live, [], 'no card (nor the list) is a live region');
}

test('a new alert puts its text in the live region once, when it comes', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'alpine-tools', exact: true }).click();
  await liveRegion().waitFor({ state: 'attached' });
  assert.equal(await announced(), [], 'nothing to say at load');
  await idleShell();
  const [card] = await cards(1);
  assert.match(card, /^tools: shell: The terminal in default\/alpine-tools \(tools\)/);
  await waitFor(async () => (await announced()).length > 0, 'the alert in the live region');
  assert.equal(await announced(), [card]);
  assert.is(await liveRegion().textContent(), card);
  assert.is(await liveRegion().getAttribute('role'), 'alert');
  await noCardIsLive();
});

test('"Show N more" and a dismissal that brings an older alert back say nothing again', async () => {
  for (let i = 0; i < 6; i++) await idleShell();
  await button('Show 2 more').waitFor({ timeout: 20_000 });
  await waitFor(async () => (await announced()).length >= 7, 'the six new alerts in the live region', 20_000);
  const said = await announced();
  await button('Show 2 more').click();
  const all = await cards(7);
  assert.equal([...said].sort(), [...all].sort(), 'each of the seven alerts said once, as it came');
  await noCardIsLive();
  await button('Show the newest 5 only').click();
  await button('Show 2 more').waitFor();
  const newest = await cardTexts();
  await alertCards(page).nth(4).getByRole('button', { name: /^Dismiss: / }).click(); // the newest
  await button('Show 1 more').waitFor();
  const after = await cardTexts();
  assert.is(after.length, 5);
  assert.ok(!newest.includes(after[0]), 'an older alert came back into the newest five');
  assert.equal(await announced(), said, 'and nothing was said again');
  assert.ok(!(await liveRegion().textContent())!.includes(newest[4]), 'the dismissed alert is gone from the live region too');
  await noCardIsLive();
  assert.equal(b.problems, [], 'no page error, no CSP violation');
});

test('a reload shows the alerts without a word; one that comes after it is said', async () => {
  const before = await cardTexts();
  await page.reload();
  await button('Show 1 more').waitFor();
  assert.equal(await cardTexts(), before, 'the same cards');
  assert.equal(await announced(), [], 'none said at load');
  assert.is(await liveRegion().textContent(), '');
  await noCardIsLive();
  await idleShell();
  await button('Show 2 more').waitFor({ timeout: 20_000 });
  const newest = (await cardTexts()).at(-1)!;
  assert.match(newest, /^tools: shell \(8\): /);
  await waitFor(async () => (await announced()).length > 0, 'the new alert in the live region');
  assert.equal(await announced(), [newest]);
  assert.is(await liveRegion().textContent(), newest);
  assert.equal(b.problems, [], 'no page error, no CSP violation');
});

test.run();

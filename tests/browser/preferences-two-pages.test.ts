// Settings are this browser's (localStorage), so every page of it shares them: a change made in
// one page shows in another page already open, and a change there to another setting does not
// put back what the first page changed, even when it is made from a stale copy (the first page's
// storage event not yet followed there); nor does Cancel in a Settings dialog that was open meanwhile.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { waitFor } from '../support/wait.ts';
import { appForFile, PAGE_WAIT_MS, type BrowserApp } from './support.ts';

let b: BrowserApp;
let first: Page;
let second: Page;
appForFile(test, (app) => {
  b = app;
  first = app.page;
});

const settings = (p: Page) => p.getByRole('dialog', { name: 'Settings' });
const askBeforeClosing = (p: Page) => settings(p).getByRole('checkbox', { name: 'Ask before closing a terminal that still runs' });
const copyOnSelect = (p: Page) => settings(p).getByRole('checkbox', { name: 'Copy on select' });
const fontSize = (p: Page) => settings(p).getByRole('spinbutton', { name: 'Font size (px)' });

async function openSettings(p: Page) {
  await p.getByRole('button', { name: 'Settings', exact: true }).click();
  await settings(p).waitFor();
}

async function done(p: Page) {
  await settings(p).getByRole('button', { name: 'Done' }).click();
  await settings(p).waitFor({ state: 'detached' });
}

/** The page's settings as its Settings dialog shows them (the font size as the dialog opened with it). */
async function shown(p: Page) {
  await openSettings(p);
  const now = { askBeforeClosing: await askBeforeClosing(p).isChecked(), copyOnSelect: await copyOnSelect(p).isChecked(), fontSize: await fontSize(p).inputValue() };
  await done(p);
  return now;
}

/** What holdStorageEvents keeps in a page. */
interface Held {
  holdingStorageEvents: boolean;
  heldStorageKeys: string[];
}

/**
 * Lets a test hold the `storage` events that reach the page before its own listener hears them,
 * so it can make a change there from a copy it knows is stale; releaseStorageEvents hands them on,
 * late. Installed before the page's script: at the window, listeners are called in the order they
 * were added, a capturing one too.
 */
function storageEventsHeldOnRequest() {
  const held = window as unknown as Held;
  Object.assign(held, { holdingStorageEvents: false, heldStorageKeys: [] });
  addEventListener('storage', (event) => {
    if (!held.holdingStorageEvents) return;
    event.stopImmediatePropagation();
    if (event.key) held.heldStorageKeys.push(event.key);
  });
}
const holdStorageEvents = (p: Page) => p.evaluate(() => void ((window as unknown as Held).holdingStorageEvents = true));
const heldKeys = (p: Page) => p.evaluate(() => (window as unknown as Held).heldStorageKeys.length);
const releaseStorageEvents = (p: Page) =>
  p.evaluate(() => {
    const held = window as unknown as Held;
    held.holdingStorageEvents = false;
    for (const key of held.heldStorageKeys.splice(0)) dispatchEvent(new StorageEvent('storage', { key, storageArea: localStorage }));
  });

test('two pages of the app in one browser', async () => {
  await first.goto(b.openUrl);
  await first.getByRole('link', { name: 'web', exact: true }).waitFor();
  second = await b.context.newPage();
  await second.addInitScript(storageEventsHeldOnRequest);
  await second.goto(b.app.url);
  await second.getByRole('link', { name: 'web', exact: true }).waitFor();
});

test('"Ask before closing" turned off in one page shows off in the other', async () => {
  await openSettings(first);
  await askBeforeClosing(first).uncheck();
  await done(first);
  await openSettings(second);
  // the other page hears of the change by the browser's storage event, which comes in its own time:
  // read at once, the box could still show the setting as it was
  await waitFor(async () => !(await askBeforeClosing(second).isChecked()), '"Ask before closing" shown off in the other page', PAGE_WAIT_MS);
  await done(second);
});

test("a font size set in the other page from a stale copy keeps the first page's new setting, on both pages", async () => {
  await holdStorageEvents(second);
  await openSettings(first);
  await copyOnSelect(first).check();
  await done(first);
  await waitFor(async () => (await heldKeys(second)) > 0, "the first page's change reached the other page, held there", PAGE_WAIT_MS);
  await openSettings(second);
  assert.not.ok(await copyOnSelect(second).isChecked(), 'the other page still has its stale copy');
  await fontSize(second).fill('15');
  await done(second);
  await releaseStorageEvents(second);
  const both = { askBeforeClosing: false, copyOnSelect: true, fontSize: '15' };
  for (const p of [first, second]) await waitFor(async () => JSON.stringify(await shown(p)) === JSON.stringify(both), `both settings in the ${p === first ? 'first' : 'other'} page`, PAGE_WAIT_MS);
});

test('Cancel puts back only what its dialog changed: a setting changed meanwhile in the other page stays', async () => {
  await openSettings(second);
  await fontSize(second).fill('11');
  await openSettings(first);
  await copyOnSelect(first).uncheck();
  await done(first);
  await waitFor(async () => !(await copyOnSelect(second).isChecked()), '"Copy on select" shown off in the other page', PAGE_WAIT_MS);
  await settings(second).getByRole('button', { name: 'Cancel' }).click();
  await settings(second).waitFor({ state: 'detached' });
  const after = { askBeforeClosing: false, copyOnSelect: false, fontSize: '15' };
  for (const p of [first, second]) await waitFor(async () => JSON.stringify(await shown(p)) === JSON.stringify(after), `the settings after Cancel in the ${p === first ? 'first' : 'other'} page`, PAGE_WAIT_MS);
});

test('no page errors', async () => {
  await second.close();
  assert.equal(b.problems, []);
});

test.run();

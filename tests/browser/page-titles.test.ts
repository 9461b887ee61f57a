// Moving between the page's views by keyboard, in a real Chromium against the sandbox: the
// window's title names the view (a screen reader's one sign that the address changed), and a
// view that replaced the focused control (a pod link) gives the focus to its heading, not to the
// top of the document. Steps share one server and one page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { pageTitle } from '../../ui/state/page-title.ts';
import { appForFile, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;

appForFile(test, (app) => {
  b = app;
  page = app.page;
});

test('each view has a title of its own', () => {
  const title = (route: object) => pageTitle({ page: 'pods', namespace: 'default', ...route });
  assert.is(title({}), 'Pods in default — octant-exec');
  assert.is(title({ pod: 'web' }), 'web in default — octant-exec');
  assert.is(title({ page: 'terminals' }), 'Terminals — octant-exec');
  assert.is(title({ page: 'embed', pod: 'web', namespace: 'batch' }), 'web in batch — octant-exec');
  assert.is(title({ page: 'embed', pod: 'web', view: 'terminals' }), 'Terminals — octant-exec');
});

test("Enter on a pod link: the pod's title, and the focus on its heading (the link is gone)", async () => {
  await page.goto(b.openUrl);
  await page.waitForFunction(() => document.title === 'Pods in default — octant-exec');
  await page.getByRole('table', { name: 'Pods in default' }).waitFor(); // the list is named, as the other tables are
  await page.getByRole('link', { name: 'web', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.title === 'web in default — octant-exec');
  await page.waitForFunction(() => document.activeElement?.matches('main h1') && document.activeElement.textContent?.includes('web'));
  // the pod's buttons come with its state, after the heading: until then nothing in the view takes a Tab
  await page.waitForFunction(() => !(document.querySelector('main .pod-head button.primary') as HTMLButtonElement | null)?.disabled);
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => !!document.activeElement?.closest('main')), 'the next Tab goes on within the pod view, not from the top bar');
});

test('the Terminals link: its title; the focus stays on the link, which is still there', async () => {
  const link = page.getByRole('link', { name: 'Terminals', exact: true });
  await link.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.title === 'Terminals — octant-exec');
  assert.ok(await link.evaluate((el) => el === document.activeElement));
});

test('no page error and no Content-Security-Policy violation happened on the way', () => {
  assert.equal(b.problems, []);
});

test.run();

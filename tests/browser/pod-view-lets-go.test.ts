// A page that showed a pod's terminals and moved away lets go of them, in a real Chromium against
// the server and the sandbox: the server counts the page among a terminal's viewers (it sends that
// page every byte the terminal prints) only while the page shows its pod. Back at the pod, the
// terminal is attached again with its screen, and takes keys (a paste on its way when the page
// leaves: paste-on-its-way.test.ts). Steps share one page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { appForFile, byName, waitForRow, waitForText, type BrowserApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

let b: BrowserApp;
let page: Page;

appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const { badgeOf, button, tab } = byName(() => page);
let shells: string[] = [];
/** how many sockets the server sends a terminal's output to */
const viewers = (id: string) => b.app.hub.stats(id)?.viewers.length;

test("two shells in web's view: the server sends each one's output to the page", async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  for (let n = 0; n < 2; n++) await button('Shell').click();
  await waitForText(badgeOf('nginx: shell (2)'), /^live$/);
  shells = await page.getByRole('tab').evaluateAll((tabs) => tabs.map((t) => t.id.replace(/^tab-/, '')));
  assert.is(shells.length, 2);
  await page.getByRole('tabpanel').locator('.xterm').click();
  await page.keyboard.type('echo before-$((6*7))\r');
  await waitForRow(page, /^before-42$/);
  await waitFor(() => shells.every((id) => viewers(id) === 1), 'the page a viewer of both');
});

test('on the Terminals page, and on the Pods list, the page is a viewer of neither', async () => {
  await page.getByRole('link', { name: 'Terminals', exact: true }).click();
  await waitFor(() => shells.every((id) => viewers(id) === 0), 'the page no viewer of either on the Terminals page');
  await page.getByRole('link', { name: 'Pods', exact: true }).click();
  await page.getByRole('link', { name: 'web', exact: true }).waitFor();
  assert.equal(shells.map(viewers), [0, 0]);
});

test('back in the pod view, both are attached again: the screen comes back and takes keys', async () => {
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await waitFor(() => shells.every((id) => viewers(id) === 1), 'the page a viewer of both again');
  await tab('nginx: shell (2)').click();
  await waitForRow(page, /^before-42$/);
  await page.getByRole('tabpanel').locator('.xterm').click();
  await page.keyboard.type('echo after-$((6*7))\r');
  await waitForRow(page, /^after-42$/);
  assert.equal(b.problems, []);
});

test.run();

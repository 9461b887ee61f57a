// Issue 19's "containers of every kind" and "a non-interactive command runs without a TTY", in a
// real Chromium against the server and the sandbox's demo pods: a pod still initializing (its init
// container running, its main container waiting) and a pod with a native sidecar, their kinds and
// states in the Pod view, shells in the init container and in the sidecar, and a one-shot command
// shown as a command. Steps share one server and one page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { appForFile, byName, screenRows, waitForPrompt, waitForRow, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;

appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const { tab, badgeOf, button } = byName(() => page);
/** A row of the Containers table as its cells read: name with tags, state, ready. */
const containerRow = async (name: string) => {
  const row = page.getByRole('table', { name: 'Containers' }).locator('tbody tr').filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${name}(\\s|$)`) }) });
  const cells = row.locator('td');
  return [await cells.nth(0).innerText(), await cells.nth(1).innerText(), await cells.nth(2).innerText()].map((text) => text.replace(/\s+/g, ' ').trim());
};

async function openPod(name: string) {
  await page.getByRole('link', { name: 'All pods' }).click();
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { name }).waitFor();
  await page.getByRole('table', { name: 'Containers' }).waitFor();
}

test('a pod still initializing: its init container tagged and running, its main container waiting; Shell is off and says which init container comes first, and no Debug copy', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'migrating', exact: true }).click();
  await page.getByRole('heading', { name: 'migrating' }).waitFor();
  // kubectl's status of it, its phase on hover
  await waitForText(page.locator('.pod-head .phase'), /^Init:0\/1$/);
  assert.is(await page.locator('.pod-head .phase').getAttribute('title'), 'phase Pending');
  assert.equal(await containerRow('migrate'), ['migrate init', 'running', 'no']);
  assert.equal(await containerRow('app'), ['app default', 'waiting (PodInitializing)', 'no']);
  assert.ok(await button('Shell').isDisabled(), 'no shell in a main container that has not started');
  await waitForText(page.locator('.hint'), /the pod is still initializing, and init container "migrate" \(running\) comes first/);
  // A copy would wait on the same init container: no Debug copy (the Pending phase alone would offer one).
  assert.is(await button('Debug copy').count(), 0);
});

test('the Exec dialog names the init container as such, and offers it while the main container is off', async () => {
  await button('Exec').click();
  const dialog = page.getByRole('dialog', { name: 'Exec in pod' });
  // evaluateAll reads what is there, without waiting: the dialog opens (showModal) in an effect after
  // the next frame, and until then it is hidden and its options are not the dialog's (read as [])
  await dialog.waitFor();
  const options = await dialog.locator('#exec-container option').evaluateAll((els) => els.map((el) => [(el as HTMLOptionElement).text, (el as HTMLOptionElement).disabled]));
  assert.equal(options, [
    ['migrate (init)', false],
    ['app (default) — not running (waiting: PodInitializing)', true],
    ['All containers', false],
  ]);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
});

test('one click opens a shell in the running init container', async () => {
  await button('Shell in migrate').click();
  await waitForText(badgeOf('migrate: shell'), /^live$/);
  await waitForPrompt(page); // sh's, once auto's bash attempt is over
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('echo in-$(hostname)-$((1+2))\r');
  await waitForRow(page, /^in-migrating-3$/);
});

test('a pod with a native sidecar: kinds and states shown; "Shell in all containers" opens the sidecar and the main container, not the completed init container', async () => {
  await openPod('meshed');
  assert.equal(await containerRow('setup'), ['setup init', 'terminated (Completed)', 'yes']);
  assert.equal(await containerRow('proxy'), ['proxy sidecar', 'running', 'yes']);
  assert.equal(await containerRow('app'), ['app default', 'running', 'yes']);
  // Debug where the server takes it: a main container or a sidecar, never a plain init container
  assert.is(await button('Debug proxy').count(), 1);
  assert.is(await button('Debug setup').count(), 0);
  await button('Shell in all containers').click();
  for (const name of ['proxy: shell', 'app: shell']) await waitForText(badgeOf(name), /^live$/);
  assert.is(await tab('setup: shell').count(), 0);
  await tab('proxy: shell').click();
  await waitForPrompt(page);
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('echo sidecar-$((2+3))\r');
  await waitForRow(page, /^sidecar-5$/);
});

test('a one-shot command runs without a TTY and the page shows it as a command, not interactive, its tab naming it as typed', async () => {
  await openPod('shells');
  await button('Exec').click();
  const dialog = page.getByRole('dialog', { name: 'Exec in pod' });
  await dialog.getByRole('textbox', { name: 'Command', exact: true }).fill(`sh -c 'tty; test -t 0 && echo IN-TTY || echo IN-NOTTY'`);
  await dialog.getByRole('checkbox', { name: 'Interactive', exact: true }).uncheck();
  await dialog.getByRole('button', { name: 'Run' }).click();
  // named as typed: the quotes that make the script one word stay
  const name = `shells: sh -c 'tty; test -t 0 && echo IN-TTY || echo IN-NOTTY'`;
  await waitForText(badgeOf(name), /^exited 0$/);
  const bar = page.locator('[role=tabpanel] .panel-bar');
  assert.is(await bar.locator('.argv').innerText(), `sh -c 'tty; test -t 0 && echo IN-TTY || echo IN-NOTTY'`);
  await waitForText(bar, /\(not interactive\)/);
  await waitForRow(page, /^IN-NOTTY$/);
  const rows = await screenRows(page.getByRole('tabpanel'));
  assert.ok(rows.includes('not a tty'), JSON.stringify(rows));
  assert.not.ok(rows.includes('IN-TTY'), JSON.stringify(rows));
});

test('no page error and no Content-Security-Policy violation happened on the way', () => {
  assert.equal(b.problems, []);
});

test.run();

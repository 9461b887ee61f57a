// A pod deleted while its Pod view is open, in a real Chromium against the server and the sandbox:
// the view says it is not found, as a reload does, with Shell, Exec and its terminal's Restart off
// (each would only fail at the cluster). Steps share one server and one page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { call } from '../support/sandbox-access.ts';
import { appForFile, byName, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;

appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const { badgeOf, button } = byName(() => page);
const notFound = /^Not found in namespace "default"/;

/** What a person sees of the pod: the sentence in place of its containers, and which actions are on. */
async function podViewState() {
  return {
    error: (await page.locator('.pod-view > p.error').innerText()).trim(),
    phase: await page.locator('.pod-head .phase').count(),
    containers: await page.getByRole('table', { name: 'Containers' }).count(),
    shell: await button('Shell').isEnabled(),
    exec: await button('Exec').isEnabled(),
    restart: await button('Restart').isEnabled(),
  };
}

test('a shell in meshed is live, and the view shows the pod Running', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'meshed', exact: true }).waitFor();
  await page.goto(new URL('/?namespace=default&pod=meshed', b.app.url).href);
  await waitForText(page.locator('.pod-head .phase'), /^Running$/);
  await button('Shell').click();
  await waitForText(badgeOf('app: shell'), /^live$/);
});

test('deleting the pod through the Kubernetes API turns the open view into "Not found", its actions off', async () => {
  const answer = await call(b.app.sandbox!, '/api/v1/namespaces/default/pods/meshed', { method: 'DELETE' });
  assert.is(answer.status, 200, answer.body);
  await waitForText(page.locator('.pod-view > p.error'), notFound);
  await waitForText(badgeOf('app: shell'), /^disconnected$/);
  await button('Restart').waitFor();
  const live = await podViewState();
  assert.equal({ ...live, error: notFound.test(live.error) }, { error: true, phase: 0, containers: 0, shell: false, exec: false, restart: false }, JSON.stringify(live));
  assert.match(await button('Restart').getAttribute('title') ?? '', /meshed/, 'Restart says why it is off');
});

test('a reload shows the same: not found, Shell, Exec and Restart off', async () => {
  await page.reload();
  await waitForText(page.locator('.pod-view > p.error'), notFound);
  await waitForText(badgeOf('app: shell'), /^disconnected$/);
  const reloaded = await podViewState();
  assert.equal({ ...reloaded, error: notFound.test(reloaded.error) }, { error: true, phase: 0, containers: 0, shell: false, exec: false, restart: false }, JSON.stringify(reloaded));
});

test.run();

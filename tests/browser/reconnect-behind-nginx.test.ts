// Issue 19's "Must show", in a real Chromium: the page reaches the server through nginx (as an
// Ingress), and the server reaches the sandbox through nginx (as an API server load balancer),
// both cutting connections quiet for 2 s; the server's keepalive is 0.5 s. Two idle shells live
// through the cuts. Then the server's end of the page's socket is cut: the page reconnects by
// itself through nginx and reattaches both terminals where their bytes stopped, so what was typed
// before and after shows exactly once, and both tabs are live again.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Duplex } from 'node:stream';
import type { Page } from 'playwright-core';
import { screenRows, startBrowserApp, waitForRow, waitForText, type BrowserApp } from './support.ts';
import { startTestSandbox, type Sandbox } from '../support/sandbox.ts';
import { nginxOnBothHops, quietConnectionCut, type NginxHops } from '../support/nginx-hops.ts';

let sandbox: Sandbox;
let hops: NginxHops;
let b: BrowserApp;
let page: Page;
/** the server's end of every socket the page opened, to cut them */
const upgraded: Duplex[] = [];
const SHELLS = ['sidecar: sh', 'nginx: sh'];

test.before(async () => {
  sandbox = await startTestSandbox();
  hops = await nginxOnBothHops(sandbox, 2);
  b = await startBrowserApp({ ...hops.serverOptions, keepaliveMs: 500 });
  page = b.page;
  b.app.server.on('upgrade', (_req, socket) => upgraded.push(socket));
});

test.after(async () => {
  await b?.close();
  await hops?.stop();
  await sandbox?.close();
});

const tab = (name: string) => page.getByRole('tab', { name, exact: true });
const badgeOf = (name: string) => page.locator(`[role=tab][aria-label="${name}"] .badge`);
const rowsShowing = async (text: string) => (await screenRows(page.getByRole('tabpanel'))).filter((row) => row === text).length;

/**
 * Types a line in the shown terminal until its answer shows: keys typed before a reattach lands
 * are dropped, as those typed while reconnecting are, so a first try may be lost.
 */
async function typeUntilShown(line: string, answer: RegExp): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.type(line);
    try {
      return await waitForRow(page, answer, 5_000);
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

test('two shells behind nginx on both hops outlive its idle cuts; a cut socket reconnects and reattaches both, each line once', async () => {
  await page.goto(`${hops.front.url}/#token=${b.app.token}`);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('button', { name: 'Exec', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Exec in pod' });
  await dialog.getByRole('combobox', { name: 'Container', exact: true }).selectOption({ label: 'All containers' });
  await dialog.getByRole('textbox', { name: 'Command', exact: true }).fill('sh');
  await dialog.getByRole('button', { name: 'Run' }).click();
  for (const [i, name] of SHELLS.entries()) {
    await waitForText(badgeOf(name), /^live$/);
    await tab(name).click();
    await page.locator('[role=tabpanel] .xterm').click();
    await typeUntilShown(`echo before-$((${i}+40))\r`, new RegExp(`^before-${i + 40}$`));
  }
  const socketsBefore = upgraded.length;

  // idle while the load balancer cuts two quiet connections, one after the other
  for (let cut = 0; cut < 2; cut++) await quietConnectionCut(hops.back);
  assert.is(upgraded.length, socketsBefore, 'the page opened no new socket: nginx cut none');
  for (const name of SHELLS) assert.is((await badgeOf(name).innerText()).trim(), 'live', `${name} is still live`);

  for (const socket of upgraded) socket.destroy();
  await page.getByRole('status').filter({ hasText: 'reconnecting' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'reconnecting' }).waitFor({ state: 'detached' });
  assert.ok(upgraded.length > socketsBefore, 'the page opened a new socket, through nginx');
  for (const [i, name] of SHELLS.entries()) {
    await waitForText(badgeOf(name), /^live$/);
    await tab(name).click();
    await page.locator('[role=tabpanel] .xterm').click();
    await typeUntilShown(`\recho after-$((${i}+50))\r`, new RegExp(`^after-${i + 50}$`));
    assert.is(await rowsShowing(`before-${i + 40}`), 1, `${name}: the line before the cut, once`);
    assert.is(await rowsShowing(`after-${i + 50}`), 1, `${name}: the line after it, once`);
  }
  assert.equal(b.problems, []);
});

test.run();

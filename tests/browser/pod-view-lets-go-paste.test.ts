// A paste still on its way when the page leaves a pod's view, in a real Chromium against the server
// and the sandbox: the page lets go of the terminal (pod-view-lets-go.test.ts) only once the paste
// has gone out whole, since a detach would drop the rest. Not under Deno (tests/deno-exclusions.ts:
// the sandbox's pty there never finishes a write it cannot take at once, as for big-paste.test.ts).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { appForFile, byName, chooseInTerminalMenu, PAGE_WAIT_MS, waitForRow, waitForText, type BrowserApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

let b: BrowserApp;
let page: Page;

appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const { badgeOf, button } = byName(() => page);
const SIZE = 10_000_000;

test('a 10 MB paste on its way when the page leaves the pod goes out whole before the page lets go of that terminal', async () => {
  await page.goto(b.openUrl);
  await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(b.app.url).origin });
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await button('Shell').click();
  await waitForText(badgeOf('nginx: shell'), /^live$/);
  const id = ((await page.getByRole('tab').getAttribute('id')) ?? '').replace(/^tab-/, '');
  await page.evaluate((n) => navigator.clipboard.writeText('0123456789'.repeat(n / 10)), SIZE);
  // raw, no echo: the shell's side counts exactly what was pasted (a cooked line keeps 4 KiB)
  await page.getByRole('tabpanel').locator('.xterm').click();
  await page.keyboard.type(`stty raw -echo; printf 'ready\\r\\n'; n=$(head -c ${SIZE} | wc -c); stty sane; echo got=$n\r`);
  await waitForRow(page, /^ready$/);
  await chooseInTerminalMenu(page, 'Paste');
  await page.getByRole('tabpanel').locator('.paste-progress').waitFor();
  await page.getByRole('link', { name: 'Terminals', exact: true }).click();
  // 10 MB at the server's input rate (4 MiB/s) takes seconds: as long as big-paste.test.ts gives it
  await waitFor(() => b.app.hub.stats(id)?.viewers.length === 0, 'the page no viewer of it, once the paste went', PAGE_WAIT_MS);
  await page.getByRole('link', { name: 'Pods', exact: true }).click();
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await waitForRow(page, new RegExp(`^got=${SIZE}$`));
  assert.equal(b.problems, []);
});

test.run();

// A big paste still on its way, in a real Chromium against the server and the sandbox. When the
// page leaves a pod's view, it lets go of the terminal (pod-view-lets-go.test.ts) only once the
// paste has gone out whole, since a detach would drop the rest. When the page's link to octant-exec
// goes (the server and the terminal stay), the panel says where the paste stopped: the rest was
// dropped with the socket's queue, and its progress line used to vanish as if all of it had gone.
// Steps share one page, in order. Not under Deno (tests/deno-exclusions.ts: the sandbox's pty there
// never finishes a write it cannot take at once, as for big-paste.test.ts).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { alertCards, appForFile, byName, chooseInTerminalMenu, cuttableLink, PAGE_WAIT_MS, waitForRow, waitForText, type BrowserApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

const SIZE = 4_000_000;

let b: BrowserApp;
let page: Page;

// The page sends a burst of twice the server's input rate at once, then paces to 0.9 of it: at
// 512 KiB/s, 4 MB is on its way for about 6 s, its progress line shown all along. At the default
// 4 MiB/s, 10 MB went in 0.6 s, most of it in one burst that keeps the page busy: on a loaded
// machine, a check for the line could come only after it had gone (CI165).
appForFile(
  test,
  (app) => {
    b = app;
    page = app.page;
  },
  { hub: { inputBytesPerSecond: 512 * 1024 } },
);

const { badgeOf, button } = byName(() => page);
let link: Awaited<ReturnType<typeof cuttableLink>>;
let id = '';

/** Paste SIZE characters from the clipboard into the shown terminal, whose shell runs `reader` on a raw tty; resolves once the progress line shows. */
async function pasteInto(reader: string): Promise<void> {
  await page.getByRole('tabpanel').locator('.xterm').click();
  // raw, no echo: the reader gets exactly what was pasted (a cooked line keeps 4 KiB)
  await page.keyboard.type(`stty raw -echo; printf 'ready\\r\\n'; ${reader}\r`);
  await waitForRow(page, /^ready$/);
  await chooseInTerminalMenu(page, 'Paste');
  await waitForText(page.getByRole('tabpanel').locator('.paste-progress'), /^Pasting: \d+% sent/);
}

test('a shell in web is live, and the clipboard holds 4 MB', async () => {
  link = await cuttableLink(page);
  await page.goto(b.openUrl);
  await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(b.app.url).origin });
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await button('Shell').click();
  await waitForText(badgeOf('nginx: shell'), /^live$/);
  id = ((await page.getByRole('tab').getAttribute('id')) ?? '').replace(/^tab-/, '');
  await page.evaluate((n) => navigator.clipboard.writeText('0123456789'.repeat(n / 10)), SIZE);
});

test('a paste on its way when the page leaves the pod goes out whole before the page lets go of that terminal', async () => {
  await pasteInto(`n=$(head -c ${SIZE} | wc -c); stty sane; echo got=$n`);
  await page.getByRole('link', { name: 'Terminals', exact: true }).click();
  await waitFor(() => b.app.hub.stats(id)?.viewers.length === 0, 'the page no viewer of it, once the paste went', PAGE_WAIT_MS);
  await page.getByRole('link', { name: 'Pods', exact: true }).click();
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await waitForRow(page, new RegExp(`^got=${SIZE}$`));
});

test('the link goes while a paste goes out: the panel says the paste stopped part way and what to do, until dismissed', async () => {
  await pasteInto('cat > /dev/null');
  const panel = page.getByRole('tabpanel');
  await link.cut();
  const cut = panel.locator('.paste-cut');
  await waitForText(cut, /^Pasting stopped at about \d+%: the link to octant-exec went before the rest was sent\. Once it is back, paste what is missing\./);
  const percent = Number(/(\d+)%/.exec(await cut.innerText())![1]);
  assert.ok(percent < 100, `part of it: ${percent}%`);
  assert.is(await cut.getAttribute('role'), 'alert');
  assert.is(await panel.locator('.paste-progress').count(), 0, 'no progress line left');
  // the link comes back, and the terminal with it: the notice stays until dismissed
  await page.waitForFunction(() => !document.querySelector('.banner'));
  await waitForText(badgeOf('nginx: shell'), /^live$/);
  assert.is(await cut.count(), 1);
  await cut.getByRole('button', { name: 'Dismiss' }).click();
  assert.is(await cut.count(), 0);
  assert.ok(await page.evaluate(() => document.activeElement?.classList.contains('xterm-helper-textarea')), 'the focus back in the terminal');
});

test('the link goes while a paste goes out from a pod the page has left: an alert says so, and the page lets go of the terminal', async () => {
  // `cat` still reads what is pasted
  await chooseInTerminalMenu(page, 'Paste');
  await waitForText(page.getByRole('tabpanel').locator('.paste-progress'), /^Pasting: \d+% sent/);
  await page.getByRole('link', { name: 'Terminals', exact: true }).click();
  await link.cut();
  await waitForText(alertCards(page).filter({ hasText: 'Paste into web/nginx' }), /Pasting stopped at about \d+%: the link to octant-exec went before the rest was sent\./);
  // once back, the page attaches again what it shows, not this terminal
  await page.waitForFunction(() => !document.querySelector('.banner'));
  const attached = link.sentOnLast().filter((m) => m.type === 'attach').map((m) => m.sessionId);
  assert.not.ok(attached.includes(id), `attached again: ${attached}`);
  await waitFor(() => b.app.hub.stats(id)?.viewers.length === 0, 'the page no viewer of it', PAGE_WAIT_MS);
});

test('no page error and no Content-Security-Policy violation happened on the way', () => {
  assert.equal(b.problems, []);
});

test.run();

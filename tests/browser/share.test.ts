// Sharing a live terminal in a real Chromium (local mode): the owner's Share dialog makes a link;
// a SECOND browser context opens it (the shared page: the terminal and a banner); a participant's
// keystrokes echo, a viewer's are not sent, and its screen follows the owner's size; a link opened again in a third context is refused with
// a clear page; Revoke in the owner's dialog cuts the viewer off (waited for with a deadline); a
// terminal that ends while shared says so, and its banner no longer speaks of typing.
// Steps share one server, the owner's page and one more browser, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { otherBrowsers, PAGE_WAIT_MS, startBrowserApp, waitForText, type BrowserApp, type OtherBrowsers } from './support.ts';

let b: BrowserApp;
let owner: Page;
let others: OtherBrowsers;
/** uncaught errors and CSP violations in the other browsers' pages */
const problems: string[] = [];

test.before(async () => {
  b = await startBrowserApp();
  owner = b.page;
  others = otherBrowsers();
});
test.after(async () => {
  await others?.close();
  await b?.close();
});

/** A browser context of its own (its own cookies, as another machine) on `url`. */
async function otherBrowser(url: string): Promise<Page> {
  const context = await others.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await context.newPage();
  page.setDefaultTimeout(PAGE_WAIT_MS);
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  await page.goto(url);
  return page;
}

/** The rows of the shared page's terminal. */
const rowsOf = (page: Page) => page.locator('.shared-terminal .xterm-rows > div').evaluateAll((rows) => rows.map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
const waitForSharedRow = (page: Page, pattern: RegExp) =>
  page.waitForFunction(([source, flags]) => [...document.querySelectorAll('.shared-terminal .xterm-rows > div')].some((row) => new RegExp(source, flags).test((row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd())), [pattern.source, pattern.flags] as const);

/** Makes a link in the owner's Share dialog; returns it as shown. */
async function makeLink(role: 'viewer' | 'participant'): Promise<string> {
  const dialog = owner.getByRole('dialog');
  const field = dialog.getByLabel('Link (shown once)');
  const before = (await field.count()) ? await field.inputValue() : '';
  await dialog.getByLabel('Role').selectOption(role);
  await dialog.getByRole('button', { name: 'Make link' }).click();
  await owner.waitForFunction(([el, old]) => (el as HTMLInputElement | null)?.value.includes('#id=') && (el as HTMLInputElement).value !== old, [await field.elementHandle(), before] as const);
  return field.inputValue();
}

test('a participant in a second browser sees the screen and types; its keystrokes echo on both', async () => {
  await owner.goto(b.openUrl);
  await owner.getByRole('link', { name: 'web', exact: true }).click();
  await owner.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(owner.locator('[role=tab][aria-label="nginx: shell"] .badge'), /^live$/);
  await owner.locator('[role=tabpanel] .xterm-screen').click();
  await owner.keyboard.type('echo before-$((1+1))\r');
  await owner.getByRole('button', { name: 'Share…' }).click();
  const link = await makeLink('participant');
  assert.match(link, /\/share#id=\w+&s=[\w-]{43}$/);

  const participant = await otherBrowser(link);
  await waitForText(participant.getByTestId('shared-banner'), /the local user shared this terminal .* as a participant/);
  assert.not.ok(participant.url().includes('s='), 'the secret left the address bar');
  // the screen as it was, then live
  await waitForSharedRow(participant, /^before-2$/);
  await participant.locator('.shared-terminal .xterm-screen').click();
  await participant.keyboard.type('echo typed-by-guest-$((4*4))\r');
  await waitForSharedRow(participant, /^typed-by-guest-16$/);
  // ...and on the owner's screen
  await owner.waitForFunction(() => [...document.querySelectorAll('[role=tabpanel] .xterm-rows > div')].some((row) => (row.textContent ?? '').includes('typed-by-guest-16')));
  await participant.context().close();
});

test('a viewer sees live output and its keystrokes are not sent; the link again in another browser is refused', async () => {
  const link = await makeLink('viewer');
  const viewer = await otherBrowser(link);
  await waitForText(viewer.getByTestId('shared-banner'), /as a viewer: you watch/);
  await viewer.locator('.shared-terminal .xterm-screen').click();
  await viewer.keyboard.type('echo from-viewer\r');
  // the dialog is modal: closed, the owner types in the terminal
  await owner.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await owner.locator('[role=tabpanel] .xterm-screen').click();
  await owner.keyboard.type('echo owner-mark-$((3+4))\r');
  await waitForSharedRow(viewer, /^owner-mark-7$/);
  assert.not.ok((await rowsOf(viewer)).some((row) => row.includes('from-viewer')), 'the viewer\'s keystrokes never reached the terminal');

  // the owner's window shrinks: their terminal gets fewer rows, and the viewer's follows
  const ownerRows = () => owner.locator('[role=tabpanel] .xterm-rows > div').count();
  const viewerRows = () => viewer.locator('.shared-terminal .xterm-rows > div').count();
  const size = owner.viewportSize()!;
  const rowsBefore = await ownerRows();
  assert.is(await viewerRows(), rowsBefore, 'the owner\'s size from the start');
  await owner.setViewportSize({ width: size.width, height: size.height - 200 });
  await owner.waitForFunction((before) => document.querySelectorAll('[role=tabpanel] .xterm-rows > div').length < before, rowsBefore);
  const rowsAfter = await ownerRows();
  await viewer.waitForFunction((rows) => document.querySelectorAll('.shared-terminal .xterm-rows > div').length === rows, rowsAfter, { timeout: 5_000 });
  await owner.setViewportSize(size);

  const second = await otherBrowser(link);
  await waitForText(second.getByRole('alert'), /already opened in another browser/);
  assert.is(await second.title(), 'Share link not usable — octant-exec');
  await second.context().close();

  // Revoke in the owner's dialog: the viewer is cut off, and its page says why
  const id = /#id=(\w+)&/.exec(link)![1];
  await owner.getByRole('button', { name: 'Share…' }).click();
  await owner.getByRole('dialog').locator(`li[data-share="${id}"] > button`, { hasText: 'Revoke' }).click();
  await waitForText(viewer.getByRole('alert'), /revoked this share link/, 2_000);
  assert.is(await viewer.title(), 'Share ended — octant-exec');
  await viewer.context().close();
  assert.equal([...b.problems, ...problems], []);
});

test("the terminal ends while shared: the page says so, and no longer speaks of typing", async () => {
  const link = await makeLink('participant');
  const participant = await otherBrowser(link);
  await waitForText(participant.getByTestId('shared-banner'), /as a participant: what you type goes to the terminal/);
  await owner.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await owner.locator('[role=tabpanel] .xterm-screen').click();
  await owner.keyboard.type('exit\r');
  await participant.getByText('The terminal has ended: its last screen stays here.').waitFor();
  assert.match(await participant.getByTestId('shared-banner').innerText(), /shared this terminal .* with you as a participant\. Until /);
  await participant.context().close();
  assert.equal([...b.problems, ...problems], []);
});

test.run();

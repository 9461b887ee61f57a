// The shared page (a share link opened in another browser) in two browsers' conditions the app's
// page already handles: storage denied to the page (cookies blocked for the site: reading
// window.localStorage throws), where it must still start with the default settings; and the
// system's colour scheme changing while it is open, which its terminal must follow as the app's
// terminals do.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { otherBrowsers, PAGE_WAIT_MS, startBrowserApp, waitForText, type BrowserApp, type OtherBrowsers } from './support.ts';

let b: BrowserApp;
let others: OtherBrowsers;
const problems: string[] = [];

test.before(async () => {
  b = await startBrowserApp();
  others = otherBrowsers();
  await b.page.goto(b.openUrl);
  await b.page.getByRole('link', { name: 'web', exact: true }).click();
  await b.page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(b.page.locator('[role=tab][aria-label="nginx: shell"] .badge'), /^live$/);
});
test.after(async () => {
  await others?.close();
  await b?.close();
});

/** A viewer's link, made in the owner's Share dialog. */
async function viewerLink(): Promise<string> {
  await b.page.getByRole('button', { name: 'Share…' }).click();
  const dialog = b.page.getByRole('dialog');
  await dialog.getByLabel('Role').selectOption('viewer');
  await dialog.getByRole('button', { name: 'Make link' }).click();
  const field = dialog.getByLabel('Link (shown once)');
  await b.page.waitForFunction((el) => (el as HTMLInputElement | null)?.value.includes('#id='), await field.elementHandle());
  const link = await field.inputValue();
  await dialog.getByRole('button', { name: 'Close' }).click();
  return link;
}

/** The link in a browser context of its own, set up by `prepare` before the page loads. */
async function open(link: string, prepare: (page: Page) => Promise<unknown>): Promise<Page> {
  const page = await (await others.newContext({ viewport: { width: 1000, height: 600 } })).newPage();
  page.setDefaultTimeout(PAGE_WAIT_MS);
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await prepare(page);
  await page.goto(link);
  await waitForText(page.getByTestId('shared-banner'), /as a viewer/);
  return page;
}

/** the terminal's text colour, from its theme (the DOM renderer's rows) */
const foreground = (page: Page) => page.locator('.shared-terminal .xterm-rows').evaluate((el) => getComputedStyle(el).color);

test('storage denied to the page: the shared page still starts, its terminal with the default settings', async () => {
  const page = await open(await viewerLink(), (page) =>
    page.addInitScript(() => {
      for (const kind of ['localStorage', 'sessionStorage']) {
        Object.defineProperty(window, kind, {
          get() {
            throw new DOMException('The page has been denied access to storage.', 'SecurityError');
          },
        });
      }
    }),
  );
  await page.locator('.shared-terminal .xterm-screen').waitFor();
  await page.context().close();
  assert.equal(problems, []);
});

test("the system's colour scheme changes: the shared terminal's colours follow it", async () => {
  const page = await open(await viewerLink(), (page) => page.emulateMedia({ colorScheme: 'light' }));
  await page.locator('.shared-terminal .xterm-rows').waitFor();
  const light = await foreground(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForFunction((before) => getComputedStyle(document.querySelector('.shared-terminal .xterm-rows')!).color !== before, light);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.waitForFunction((before) => getComputedStyle(document.querySelector('.shared-terminal .xterm-rows')!).color === before, light);
  await page.context().close();
  assert.equal(problems, []);
});

test.run();

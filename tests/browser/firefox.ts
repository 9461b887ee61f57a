// Firefox for the browser tests: Debian's stock firefox-esr, driven over WebDriver BiDi by
// puppeteer-core. Playwright drives Firefox only through its own patched build, which the tests
// never download; BiDi is the standard protocol Firefox itself speaks. Without Firefox these
// tests fail, loudly, as the Chromium ones do (tests/browser/support.ts).
import process from 'node:process';
import puppeteer, { type Browser, type ClickOptions, type Page } from 'puppeteer-core';
import { waitFor } from '../support/wait.ts';
import { PAGE_WAIT_MS, requireBrowser, startPageServer, type PageServer } from './support.ts';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export interface FirefoxApp {
  server: PageServer;
  browser: Browser;
  page: Page;
  /** uncaught page errors and Content-Security-Policy violations seen so far */
  problems: string[];
  close(): Promise<void>;
}

/** The server against the sandbox and a headless Firefox with one page (not yet opened on the app). */
export async function startFirefoxApp(): Promise<FirefoxApp> {
  requireBrowser(FIREFOX, 'Firefox', 'apt-get install -y firefox-esr', 'FIREFOX_PATH');
  const server = await startPageServer();
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      defaultViewport: { width: 1280, height: 860 },
      extraPrefsFirefox: {
        // Firefox lets a page read the clipboard (navigator.clipboard.readText, the terminal menu's
        // Paste) only through its own "Paste" prompt, which no test can click; this test-only pref
        // lets the page read and write it without the prompt, as a granted permission does in Chromium
        'dom.events.testing.asyncClipboard': true,
      },
    });
  } catch (error) {
    await server.close();
    throw error;
  }
  const page = await browser.newPage();
  page.setDefaultTimeout(PAGE_WAIT_MS);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${(error as Error).message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return {
    server,
    browser,
    page,
    problems,
    close: async () => {
      await browser.close().catch(() => {});
      await server.close();
    },
  };
}

// Firefox (140.12 on) holds code that puppeteer evaluates to the page's Content-Security-Policy,
// which has no 'unsafe-eval': its waitForFunction and locators build a Function in the page and
// are refused ("call to Function() blocked by CSP"). The page's own code needs no such thing, so
// these tests wait from here: a query or a function evaluated as it is, again until it holds.

/**
 * Clicks (a real pointer's click) the first element `selector` matches, once there is one and it
 * takes clicks. Puppeteer clicks what it finds, enabled or not (Playwright waits): the Pod view shows
 * "Shell" disabled until the pod's answer comes, and a click then did nothing, the test waiting on.
 */
export async function clickOn(page: Page, selector: string, options?: Readonly<ClickOptions>): Promise<void> {
  const handle = await waitFor(
    async () => {
      const element = await page.$(selector);
      if (element && (await element.evaluate((el) => !(el as HTMLButtonElement).disabled && !el.closest('[aria-disabled="true"]')))) return element;
      await element?.dispose();
      return undefined;
    },
    `${selector} on the page, enabled`,
    PAGE_WAIT_MS,
  );
  await handle.click(options);
}

/** Until `predicate` holds in the page (bounded). */
export async function waitInPage(page: Page, predicate: () => boolean, what: string): Promise<void> {
  await waitFor(() => page.evaluate(predicate), what, PAGE_WAIT_MS);
}

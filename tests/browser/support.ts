// Browser tests: the real server with the sandbox cluster, the built page, and Debian's Chromium
// driven by playwright-core (never a downloaded browser). Without Chromium these tests fail,
// loudly: a skipped browser test is not a passed one.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startOctantExec, type OctantExecOptions, type RunningApp } from '../../src/server/app.ts';
import { buildUi } from '../../scripts/build-ui.ts';
import { removeAtRunEnd } from '../support/run-end.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = 'artifacts/browser';

let built: Promise<string> | undefined;
/** The page, built once per test process into a temp folder (dist/ui is left alone). */
export function builtUi(): Promise<string> {
  return (built ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'octant-exec-ui-'));
    await buildUi(dir, { minify: false });
    removeAtRunEnd(dir);
    return dir;
  })());
}

export interface BrowserApp {
  app: RunningApp;
  context: BrowserContext;
  page: Page;
  /** the URL with its token, as the CLI prints it */
  openUrl: string;
  /** uncaught page errors and Content-Security-Policy violations seen so far */
  problems: string[];
  close(): Promise<void>;
}

export async function startBrowserApp(options: Partial<OctantExecOptions> = {}): Promise<BrowserApp> {
  if (!existsSync(CHROMIUM)) {
    const message = `Chromium is missing at ${CHROMIUM}: browser tests cannot run. Install it (apt-get install -y chromium) or set CHROMIUM_PATH.`;
    console.error(`\n${'!'.repeat(80)}\n${message}\n${'!'.repeat(80)}\n`);
    throw new Error(message);
  }
  const uiDir = await builtUi();
  const stateDir = mkdtempSync(join(tmpdir(), 'octant-exec-browser-'));
  const app = await startOctantExec({ sandbox: true, port: 0, stateDir, uiDir, warn: () => {}, ...options });
  const profile = mkdtempSync(join(tmpdir(), 'octant-exec-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
      viewport: { width: 1280, height: 860 },
      acceptDownloads: true,
    });
  } catch (error) {
    await app.close();
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return {
    app,
    context,
    page,
    problems,
    openUrl: `${app.url}#token=${app.token}`,
    close: async () => {
      await context.close().catch(() => {});
      await app.close();
      rmSync(profile, { recursive: true, force: true });
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The visible text of a terminal screen, one string per row, trailing blanks trimmed. */
export async function screenRows(panel: Locator): Promise<string[]> {
  return panel.locator('.xterm-rows > div').evaluateAll((rows) => rows.map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
}

/** Waits (bounded) until some row of the selected terminal matches. */
export async function waitForRow(page: Page, pattern: RegExp, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    ([source, flags]) => {
      const rows = document.querySelectorAll('[role=tabpanel] .xterm-rows > div');
      const re = new RegExp(source, flags);
      return [...rows].some((row) => re.test((row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
    },
    [pattern.source, pattern.flags] as const,
    { timeout },
  );
}

/** Waits (bounded) until the locator's text matches. */
export async function waitForText(locator: Locator, pattern: RegExp, timeout = 15_000): Promise<void> {
  const handle = await locator.elementHandle({ timeout });
  await locator.page().waitForFunction(([el, source, flags]) => new RegExp(source, flags).test((el as HTMLElement).innerText ?? ''), [handle, pattern.source, pattern.flags] as const, { timeout });
}

/** Every run saves into artifacts/; docs/screenshots is refreshed only on request (UPDATE_DOCS_SCREENSHOTS=1). */
export async function screenshot(page: Page, name: string, docs = false): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  if (docs && process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
    mkdirSync('docs/screenshots', { recursive: true });
    await page.screenshot({ path: join('docs/screenshots', `${name}.png`) });
  }
}

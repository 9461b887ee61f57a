// Browser tests: the real server with the sandbox cluster, the built page, and Debian's Chromium
// driven by playwright-core (never a downloaded browser). Without Chromium these tests fail,
// loudly: a skipped browser test is not a passed one.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import type { BrowserContext, BrowserContextOptions, Locator, Page, WebSocketRoute } from 'playwright-core';
import { startOctantExec, type OctantExecOptions, type RunningApp } from '../../src/server/app.ts';
import { buildUi } from '../../scripts/build-ui.ts';
import { removeAtRunEnd } from '../support/run-end.ts';
import { TestIssuer } from '../server/team-sign-in.ts';
import { sharedContext } from './shared-chromium.ts';
import type { Test } from 'uvu';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = 'artifacts/browser';
/**
 * How long one wait on the page may take (a shell to be live, a row to show): long enough for a
 * machine busy with other work (a test's whole deadline is 90 s); a wait that is met ends at once.
 */
export const PAGE_WAIT_MS = 30_000;

export interface BrowserOptions {
  /** let the page draw with WebGL (Chromium's software WebGL, SwiftShader); off by default, see chromiumArgs */
  webgl?: boolean;
}

/**
 * Chromium's flags. Its software WebGL is there even with --disable-gpu, but the tests read a
 * screen's text from the DOM renderer's rows (.xterm-rows), which the WebGL renderer does not
 * draw: WebGL is off unless a test asks for it (webgl-renderer.test.ts reads the buffer instead).
 */
export function chromiumArgs(browser: BrowserOptions = {}): string[] {
  return ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', ...(browser.webgl ? [] : ['--disable-webgl'])];
}

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

export async function startBrowserApp(options: Partial<OctantExecOptions> = {}, browser: BrowserOptions = {}): Promise<BrowserApp> {
  requireChromium();
  const { app, openUrl, close: closeApp } = await startPageServer(options);
  let context: BrowserContext;
  try {
    context = await testContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true }, browser);
  } catch (error) {
    await closeApp();
    throw error;
  }
  const page = await context.newPage();
  page.setDefaultTimeout(PAGE_WAIT_MS);
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
    openUrl,
    close: async () => {
      await context.close().catch(() => {});
      await closeApp();
    },
  };
}

/** A browser context of its own (a person's browser) in the test process's Chromium (shared-chromium.ts). Fails, loudly, without Chromium. */
export function testContext(options: BrowserContextOptions, browser: BrowserOptions = {}): Promise<BrowserContext> {
  requireChromium();
  return sharedContext(CHROMIUM, chromiumArgs(browser), options);
}

/** Other people's browsers in a test: contexts of their own in the test process's Chromium, closed together. */
export interface OtherBrowsers {
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

export function otherBrowsers(browser: BrowserOptions = {}): OtherBrowsers {
  const contexts: BrowserContext[] = [];
  return {
    newContext: async (options = {}) => {
      const context = await testContext(options, browser);
      contexts.push(context);
      return context;
    },
    close: async () => {
      await Promise.all(contexts.splice(0).map((context) => context.close().catch(() => {})));
    },
  };
}

/**
 * One app and one Chromium page for the steps of a test file, in order: started before the first
 * step and closed after the last; `ready` gets them once they are there.
 */
export function appForFile(suite: Pick<Test, 'before' | 'after'>, ready: (b: BrowserApp) => void, options: Partial<OctantExecOptions> = {}): void {
  let b: BrowserApp | undefined;
  suite.before(async () => {
    b = await startBrowserApp(options);
    ready(b);
  });
  suite.after(async () => {
    await b?.close();
  });
}

/** On the page `page()` gives: a terminal's tab and its state badge, by the tab's name, and a button, by its exact name. */
export function byName(page: () => Page) {
  return {
    tab: (name: string) => page().getByRole('tab', { name, exact: true }),
    badgeOf: (name: string) => page().locator(`[role=tab][aria-label="${name}"] .badge`),
    button: (name: string) => page().getByRole('button', { name, exact: true }),
  };
}

/** The alert cards (ui/views/alerts.tsx): the items of the list in the "Alerts" region, as a screen reader finds them (they are not live). */
export function alertCards(page: Page): Locator {
  return page.getByRole('region', { name: 'Alerts' }).getByRole('listitem');
}

export interface PageServer {
  app: RunningApp;
  /** the URL with its token, as the CLI prints it */
  openUrl: string;
  /** stops the app and removes its state folder */
  close(): Promise<void>;
}

/** The server against the sandbox (every pod at once, as a user's), serving the built page, with a state folder of its own: what any browser's test opens. */
export async function startPageServer(options: Partial<OctantExecOptions> = {}): Promise<PageServer> {
  const uiDir = await builtUi();
  const stateDir = mkdtempSync(join(tmpdir(), 'octant-exec-browser-'));
  const app = await startOctantExec({ sandbox: true, port: 0, stateDir, uiDir, warn: () => {}, ...options }).catch((error) => {
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  });
  return {
    app,
    openUrl: `${app.url}#token=${app.token}`,
    close: async () => {
      await app.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The visible text of a terminal screen, one string per row, trailing blanks trimmed. */
export async function screenRows(panel: Locator): Promise<string[]> {
  return panel.locator('.xterm-rows > div').evaluateAll((rows) => rows.map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
}

/** Waits (bounded) until some row of the selected terminal matches; a timeout says what the screen showed instead. */
export function waitForRow(page: Page, pattern: RegExp, timeout = PAGE_WAIT_MS): Promise<void> {
  return waitForScreen(page, pattern, 'any row', timeout);
}

/**
 * Waits (bounded) until the selected terminal's last row with text is a shell's prompt (rows are
 * trimmed: dash's "# " reads "#"). Keys typed into a shell that has not printed its first prompt
 * are echoed by the terminal as they come, and a shell without line editing (dash, busybox's sh)
 * prints its prompt after that echo: the command's output then shares the prompt's row ("# in-3"),
 * as with kubectl. A person types at the prompt; so does a test that reads the output's row alone.
 */
export function waitForPrompt(page: Page, timeout = PAGE_WAIT_MS): Promise<void> {
  return waitForScreen(page, /[#$%>]$/, 'last row', timeout);
}

async function waitForScreen(page: Page, pattern: RegExp, where: 'any row' | 'last row', timeout: number): Promise<void> {
  await page
    .waitForFunction(
      ([source, flags, lastOnly]) => {
        const rows = [...document.querySelectorAll('[role=tabpanel] .xterm-rows > div')].map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd());
        const re = new RegExp(source, flags);
        return lastOnly ? re.test(rows.filter(Boolean).at(-1) ?? '') : rows.some((row) => re.test(row));
      },
      [pattern.source, pattern.flags, where === 'last row'] as const,
      { timeout },
    )
    .catch(async (error: Error) => {
      if (error.name !== 'TimeoutError') throw error;
      const rows = await screenRows(page.getByRole('tabpanel')).catch((reason: Error) => [`(the screen could not be read: ${reason.message})`]);
      const missed = where === 'any row' ? `no row of the terminal matched ${pattern}` : `the terminal's last row did not match ${pattern}`;
      throw new Error(`${missed} within ${timeout} ms; its rows: ${JSON.stringify(rows.filter(Boolean))}`);
    });
}

/**
 * Waits (bounded) until the locator's text matches, asking for the element anew each time: a page
 * may put up a new element where the old one was (the signed-out page's alert, per attempt).
 */
export async function waitForText(locator: Locator, pattern: RegExp, timeout = PAGE_WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    // only its absence is waited out: several matches, a closed page, fail at once
    const text = await locator.innerText({ timeout: Math.max(1, deadline - Date.now()) }).catch((error: Error) => {
      if (error.name !== 'TimeoutError') throw error;
    });
    if (text !== undefined && pattern.test(text)) return;
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // what it showed instead (a badge saying "failed", say) is what a failure report needs, with
  // the nearest title (a tab's says why its terminal failed)
  const shown = await locator
    .evaluate(
      (el) => {
        const title = (el.closest('[title]') as HTMLElement | null)?.title;
        return `"${(el as HTMLElement).innerText}"${title ? ` (title: ${title})` : ''}`;
      },
      undefined,
      { timeout: 1_000 },
    )
    .catch(() => 'nothing (no such element)');
  throw new Error(`Timeout ${timeout}ms exceeded: waited for ${pattern} and the element shows ${shown}`);
}

/** An element's accessible description, joined from its aria-describedby as the browser joins it. */
export function describedAs(locator: Locator): Promise<string> {
  return locator.evaluate((element) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
      .filter(Boolean)
      .join(' '),
  );
}

/** Right-clicks the shown terminal and waits for its menu (drawn with the keyboard's focus in it: terminal-menu.tsx). */
export async function openTerminalMenu(page: Page): Promise<Locator> {
  await page.locator('[role=tabpanel] .xterm-screen').click({ button: 'right', position: { x: 40, y: 20 } });
  const menu = page.getByRole('menu', { name: 'Terminal' });
  await menu.waitFor();
  return menu;
}

/** Chooses an item of the shown terminal's right-click menu; resolves once the menu is gone. */
export async function chooseInTerminalMenu(page: Page, item: string): Promise<void> {
  const menu = await openTerminalMenu(page);
  await menu.getByRole('menuitem', { name: item, exact: true }).click();
  await menu.waitFor({ state: 'detached' });
}

/**
 * The page's stream socket through the test, which can cut it as a network would (the server and
 * its terminals stay); `keepDown`: the page's next sockets are refused too, until `restore`.
 * `sentOnLast`: the control messages the page sent on its newest socket. Set before the page
 * opens the app.
 */
export async function cuttableLink(page: Page): Promise<{ cut(keepDown?: boolean): Promise<void>; restore(): void; sentOnLast(): { type: string; sessionId?: string }[] }> {
  const links: WebSocketRoute[] = [];
  const sent: string[][] = [];
  let down = false;
  await page.routeWebSocket(/\/api\/v1\/stream$/, (ws) => {
    if (down) return void ws.close({ code: 1011, reason: 'the test keeps the link down' });
    const server = ws.connectToServer();
    const mine: string[] = [];
    ws.onMessage((message) => {
      if (typeof message === 'string') mine.push(message);
      server.send(message);
    });
    server.onMessage((message) => ws.send(message));
    links.push(ws);
    sent.push(mine);
  });
  return {
    sentOnLast: () => (sent.at(-1) ?? []).map((text) => JSON.parse(text)),
    async cut(keepDown = false) {
      down = keepDown;
      await links.at(-1)?.close({ code: 4000, reason: 'the test cut the link' });
    },
    restore() {
      down = false;
    },
  };
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

// ---- team mode ------------------------------------------------------------------------------
// The server in `--auth oidc` with the real OpenID Provider of tests/server/team-sign-in.ts
// (oidc-provider on loopback), and one Chromium in which every person has a browser context of
// their own, so their cookies stay apart as on separate machines.

/** One person's browser: a context of their own (cookies apart) and its page. */
export interface PersonBrowser {
  name: string;
  context: BrowserContext;
  page: Page;
  /** uncaught page errors and Content-Security-Policy violations seen so far */
  problems: string[];
}

export interface TeamBrowserApp {
  app: RunningApp;
  idp: TestIssuer;
  /** the app's address as people type it: no token, a team mode signs them in */
  url: string;
  origin: string;
  /** what the server warned about (refused sign-ins and the like) */
  warnings: string[];
  /** a new browser context and page for `name` */
  person(name: string): Promise<PersonBrowser>;
  close(): Promise<void>;
}

/** Fails, loudly, without Chromium: a skipped browser test is not a passed one. */
function requireChromium(): void {
  requireBrowser(CHROMIUM, 'Chromium', 'apt-get install -y chromium', 'CHROMIUM_PATH');
}

/** Fails, loudly, when a browser the tests drive is not installed at `path`. */
export function requireBrowser(path: string, name: string, install: string, variable: string): void {
  if (existsSync(path)) return;
  const message = `${name} is missing at ${path}: browser tests cannot run. Install it (${install}) or set ${variable}.`;
  console.error(`\n${'!'.repeat(80)}\n${message}\n${'!'.repeat(80)}\n`);
  throw new Error(message);
}

/** The sandbox behind `--auth oidc` (`--admin-group octant-admins`), its issuer, and a browser for people. */
export async function startTeamBrowserApp(options: Partial<OctantExecOptions> = {}): Promise<TeamBrowserApp> {
  requireChromium();
  const uiDir = await builtUi();
  const idp = await new TestIssuer().listen();
  const stateDir = mkdtempSync(join(tmpdir(), 'octant-exec-browser-'));
  const warnings: string[] = [];
  const unquiet = quietProvider();
  // undone last first, on a failed start too
  const cleanUp: (() => Promise<void> | void)[] = [() => rmSync(stateDir, { recursive: true, force: true }), () => idp.close(), unquiet];
  const close = async () => {
    for (const step of cleanUp.splice(0).reverse()) await Promise.resolve().then(step).catch(() => {});
  };
  try {
    const app = await startOctantExec({
      sandbox: true,
      port: 0,
      stateDir,
      uiDir,
      warn: (message) => warnings.push(message),
      auth: { mode: 'oidc', issuer: idp.issuer, clientId: TestIssuer.CLIENT_ID, clientSecretFile: idp.secretFile },
      adminGroups: ['octant-admins'],
      ...options,
    });
    cleanUp.push(() => app.close());
    const origin = new URL(app.url).origin;
    // the provider's one client has the app's callback as its redirect URI
    await idp.serve({ port: app.port, origin });
    return {
      app,
      idp,
      url: app.url,
      origin,
      warnings,
      close,
      person: async (name) => {
        const context = await testContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
        cleanUp.push(() => context.close());
        const page = await context.newPage();
        page.setDefaultTimeout(PAGE_WAIT_MS);
        const problems: string[] = [];
        page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
        page.on('console', (message) => {
          if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
        });
        return { name, context, page, problems };
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Signs the person in as they would: the app's address without a token, the provider's login page
 * (its development login takes any password) and its consent page, then back on the app, where the
 * top bar names them. Resolves once it does.
 */
export async function signInAtProvider(team: TeamBrowserApp, person: PersonBrowser): Promise<void> {
  const { page, name: user } = person;
  await page.goto(team.url);
  await page.waitForURL((url) => url.origin === team.idp.issuer, { timeout: PAGE_WAIT_MS });
  await page.locator('input[name=login]').fill(user);
  await page.locator('input[name=password]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in', exact: true }).click();
  // the consent page (its first time for this person): the provider asks to share the claims
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.waitForURL((url) => url.origin === team.origin && !url.pathname.startsWith('/auth/'), { timeout: PAGE_WAIT_MS });
  await waitForText(page.getByTestId('signed-in-user'), new RegExp(`^${user}$`));
}

/**
 * oidc-provider prints a NOTICE the first time each of its development pages is shown (the logout
 * pages here): while a team app runs those lines are kept out of the test output, as
 * tests/server/team-sign-in.ts does for its start. Returns the undo.
 */
function quietProvider(): () => void {
  const { warn, info } = console;
  const unless = (print: typeof console.warn) => (...args: unknown[]) => {
    if (!/^oidc-provider (WARNING|NOTICE)/.test(String(args[0]))) print(...args);
  };
  console.warn = unless(warn);
  console.info = unless(info);
  return () => Object.assign(console, { warn, info });
}

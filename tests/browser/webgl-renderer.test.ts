// Issue 20, goal 4, in a real Chromium with its software WebGL (SwiftShader): "Automatic" keeps the
// DOM renderer there (software WebGL is slower), WebGL forced in Settings draws the shown terminal,
// only it holds a context however many tabs there are, the setting turns WebGL off, a lost context
// falls back to the DOM renderer for good, and a Chromium without WebGL works on the DOM renderer. Which renderer draws is the host's data-renderer; the contexts alive are
// counted by a wrapper around getContext that the page gets before its own code runs.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { otherBrowsers, startBrowserApp, waitForPrompt, waitForRow, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;

test.before(async () => {
  b = await startBrowserApp({}, { webgl: true });
  page = b.page;
  // a string, not a function: the page gets it as written (tsx would add helpers the page lacks)
  await b.context.addInitScript(`{
    const made = [];
    const getContext = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (type, options) {
      const context = getContext.call(this, type, options);
      if ((type === 'webgl' || type === 'webgl2') && context && !made.includes(context)) made.push(context);
      return context;
    };
    Object.defineProperty(window, 'liveWebglContexts', { value: () => made.filter((context) => !context.isContextLost()).length });
  }`);
});
test.after(async () => {
  await b?.close();
});

const shownHost = (p: Page = page) => p.locator('[role=tabpanel] .xterm-host');
const liveContexts = () => page.evaluate(() => (window as unknown as { liveWebglContexts: () => number }).liveWebglContexts());

async function waitForRenderer(kind: 'webgl' | 'dom', p: Page = page): Promise<void> {
  await p.locator(`[role=tabpanel] .xterm-host[data-renderer=${kind}]`).waitFor();
}

/** Until a row of the shown terminal's buffer matches: WebGL draws no DOM rows to read. */
async function waitForBufferRow(pattern: RegExp): Promise<void> {
  const host = await shownHost().elementHandle();
  await page.waitForFunction(
    ([el, source, flags]) => {
      const buffer = (el as unknown as { terminal: { buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } } }).terminal.buffer.active;
      const re = new RegExp(source, flags);
      for (let i = 0; i < buffer.length; i++) if (re.test((buffer.getLine(i)?.translateToString(true) ?? '').trimEnd())) return true;
      return false;
    },
    [host, pattern.source, pattern.flags] as const,
  );
}

async function typeInShown(text: string): Promise<void> {
  await shownHost().click();
  await page.keyboard.type(text);
}

async function chooseRenderer(label: RegExp): Promise<void> {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByLabel('Renderer').selectOption({ label: (await dialog.getByRole('option', { name: label }).textContent())! });
  await dialog.getByRole('button', { name: 'Done' }).click();
}

test('Automatic keeps the DOM renderer where WebGL is software (SwiftShader), says why, and holds no context', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('button', { name: 'Shell in all containers' }).click();
  for (const name of ['sidecar: shell', 'nginx: shell']) await waitForText(page.locator(`[role=tab][aria-label="${name}"] .badge`), /^live$/);
  await waitForRenderer('dom');
  assert.match((await shownHost().getAttribute('data-renderer-note')) ?? '', /draws WebGL in software \(SwiftShader\)/);
  assert.is(await liveContexts(), 0, 'the probe that asked gave its context back');
  await waitForPrompt(page);
  await typeInShown('echo auto-$((4*4))\r');
  await waitForRow(page, /^auto-16$/);
});

test('WebGL forced in Settings draws the shown terminal: a live context in its screen, and what is typed shows', async () => {
  await chooseRenderer(/^WebGL wherever/);
  await waitForRenderer('webgl');
  assert.is(await shownHost().getAttribute('data-renderer-note'), null);
  const drawn = await shownHost().evaluate((host) => {
    const canvas = host.querySelector<HTMLCanvasElement>('.xterm-screen > canvas:not([class])');
    const gl = canvas?.getContext('webgl2');
    return { webgl: !!gl && !gl.isContextLost(), domRows: host.querySelectorAll('.xterm-rows > div').length };
  });
  assert.equal(drawn, { webgl: true, domRows: 0 });
  await typeInShown('echo gl-$((6*7))\r');
  await waitForBufferRow(/^gl-42$/);
  assert.is(await liveContexts(), 1);
});

test('switching among tabs leaves one WebGL context on the page, held by the shown terminal', async () => {
  const tabs = page.getByRole('tab');
  assert.is(await tabs.count(), 2);
  for (const i of [0, 1, 1, 0]) {
    await tabs.nth(i).click();
    await waitForRenderer('webgl');
    assert.is(await liveContexts(), 1, `after showing tab ${i}`);
  }
  await page.getByRole('link', { name: 'Terminals' }).click(); // no terminal shown
  await page.waitForFunction(() => (window as unknown as { liveWebglContexts: () => number }).liveWebglContexts() === 0);
  await page.goBack();
  await waitForRenderer('webgl');
  assert.is(await liveContexts(), 1);
});

test('the setting turns WebGL off at once (the DOM renderer draws, no context held) and back on', async () => {
  await chooseRenderer(/^Plain/);
  await waitForRenderer('dom');
  assert.is(await liveContexts(), 0);
  await typeInShown('echo dom-$((5*5))\r');
  await waitForRow(page, /^dom-25$/); // read from the DOM renderer's rows
  await page.getByRole('tab').nth(1).click();
  await waitForRenderer('dom');
  await chooseRenderer(/^WebGL wherever/);
  await waitForRenderer('webgl');
  assert.is(await liveContexts(), 1);
});

test('a lost context falls back to the DOM renderer, which shows what is typed afterwards; WebGL is not tried again', async () => {
  await shownHost().evaluate((host) => host.querySelector<HTMLCanvasElement>('.xterm-screen > canvas:not([class])')!.getContext('webgl2')!.getExtension('WEBGL_lose_context')!.loseContext());
  await waitForRenderer('dom'); // the addon waits 3 s for the browser to restore it first
  assert.match((await shownHost().getAttribute('data-renderer-note')) ?? '', /WebGL context was lost/);
  await typeInShown('echo after-$((2+3))\r');
  await waitForRow(page, /^after-5$/);
  await page.getByRole('tab').nth(0).click();
  await waitForRenderer('dom');
  assert.is(await liveContexts(), 0);
  assert.equal(b.problems, []);
});

test('a Chromium without WebGL draws with the DOM renderer and says why', async () => {
  // the same server; the Chromium with the flags every other browser test has (--disable-webgl)
  const browser = otherBrowsers();
  try {
    const plain = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    const errors: string[] = [];
    plain.on('pageerror', (error) => errors.push(error.message));
    await plain.goto(b.openUrl);
    await plain.getByRole('link', { name: 'alpine-tools', exact: true }).click();
    await plain.getByRole('button', { name: 'Shell', exact: true }).click();
    await waitForRenderer('dom', plain);
    assert.match((await shownHost(plain).getAttribute('data-renderer-note')) ?? '', /WebGL is not available here/);
    await waitForPrompt(plain);
    await shownHost(plain).click();
    await plain.keyboard.type('echo plain-$((3*3))\r');
    await waitForRow(plain, /^plain-9$/);
    assert.equal(errors, []);
  } finally {
    await browser.close();
  }
});

test.run();

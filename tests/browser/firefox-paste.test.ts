// Paste in a real Firefox (Debian's firefox-esr over WebDriver BiDi, tests/browser/firefox.ts)
// against the server and the sandbox, each way a person pastes into a shell opened from the Pod
// view: Ctrl+Shift+V (the browser's own paste event on xterm.js's textarea) and the terminal's
// right-click menu Paste (the Clipboard API's readText). The Chromium side: terminal-menu.test.ts.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { KeyInput, Page } from 'puppeteer-core';
import { waitFor } from '../support/wait.ts';
import { clickOn, startFirefoxApp, waitInPage, type FirefoxApp } from './firefox.ts';
import { PAGE_WAIT_MS } from './support.ts';

let ff: FirefoxApp;
let page: Page;

test.before(async () => {
  ff = await startFirefoxApp();
  page = ff.page;
});
test.after(async () => {
  await ff?.close();
});

/** What the page puts on a terminal's host element for tests (ui/terminal/terminal-session.ts): its xterm.js Terminal. */
type XtermHost = { terminal: { modes: { bracketedPasteMode: boolean }; buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } } };

/** The shown terminal's buffer, one string per line, trailing blanks trimmed (read from xterm.js, whatever draws it). */
function bufferLines(): Promise<string[]> {
  return page.evaluate(() => {
    const host = document.querySelector('[role=tabpanel] .xterm-host') as unknown as XtermHost;
    const buffer = host.terminal.buffer.active;
    return Array.from({ length: buffer.length }, (_, i) => (buffer.getLine(i)?.translateToString(true) ?? '').trimEnd());
  });
}

/** Until a line of the shown terminal's buffer matches (bounded); resolves to all its lines then. */
async function waitForLine(pattern: RegExp): Promise<string[]> {
  let lines: string[] = [];
  try {
    await waitFor(async () => (lines = await bufferLines()).some((line) => pattern.test(line)), `a line ${pattern} on the screen`, PAGE_WAIT_MS);
  } catch (error) {
    // what the screen showed instead is what a failure report needs
    throw new Error(`${(error as Error).message}; the screen shows ${JSON.stringify(lines.filter(Boolean))}`);
  }
  return lines;
}

const bracketedPasteMode = () => page.evaluate(() => (document.querySelector('[role=tabpanel] .xterm-host') as unknown as XtermHost).terminal.modes.bracketedPasteMode);
const putOnClipboard = (text: string) => page.evaluate((t) => navigator.clipboard.writeText(t), text);

/** Presses `key` with the modifiers held, as a person does (puppeteer's press takes no modifiers). */
async function pressWith(modifiers: KeyInput[], key: KeyInput): Promise<void> {
  for (const modifier of modifiers) await page.keyboard.down(modifier);
  await page.keyboard.press(key);
  for (const modifier of [...modifiers].reverse()) await page.keyboard.up(modifier);
}

/**
 * Pastes two commands in one paste and proves bash took it bracketed: both lines wait in its edit
 * line, neither runs (unbracketed, the first line's Enter would run it before the second is
 * echoed, so its output would be on screen by then), until Enter runs both.
 */
async function pasteTwoLines(tag: string, paste: () => Promise<void>): Promise<void> {
  // bash asks for it with its prompt, which comes after the output the step before waited for (and
  // after its PROMPT_COMMAND, if any): read at once, it was not asked for yet
  await waitFor(() => bracketedPasteMode(), 'bash asking for bracketed paste at its prompt', PAGE_WAIT_MS);
  await putOnClipboard(`echo ${tag}-$((1+1))\necho ${tag}-$((2+2))`);
  await paste();
  const lines = await waitForLine(new RegExp(`echo ${tag}-\\$\\(\\(2\\+2\\)\\)$`));
  assert.ok(lines.some((line) => line.endsWith(`echo ${tag}-$((1+1))`)), `the first pasted line is on screen: ${JSON.stringify(lines)}`);
  assert.not.ok(lines.some((line) => line === `${tag}-2` || line === `${tag}-4`), `nothing ran before Enter: ${JSON.stringify(lines)}`);
  await page.keyboard.press('Enter');
  await waitForLine(new RegExp(`^${tag}-4$`));
  assert.ok((await bufferLines()).includes(`${tag}-2`), 'Enter ran both pasted lines');
}

test('a shell opened from the Pod view in Firefox', async () => {
  await page.goto(ff.server.openUrl);
  await clickOn(page, '::-p-aria([name="web"][role="link"])');
  await clickOn(page, '::-p-aria([name="Shell"][role="button"])');
  await waitInPage(page, () => document.querySelector('[role=tab][aria-label="nginx: shell"] .badge')?.textContent === 'live', 'the shell live');
  await clickOn(page, '[role=tabpanel] .xterm-screen');
  await page.keyboard.type('echo ready-$((3*3))\n');
  await waitForLine(/^ready-9$/);
});

test('Ctrl+Shift+V pastes the clipboard, bracketed', async () => {
  await clickOn(page, '[role=tabpanel] .xterm-screen');
  await pasteTwoLines('keys', () => pressWith(['Control', 'Shift'], 'V'));
});

test('Ctrl+V stays the program\'s key (^V, as in a Linux terminal; Ctrl+C likewise): it pastes nothing', async () => {
  await putOnClipboard('pasted-by-ctrl-v');
  // one keystroke read raw (iexten off: ^V is no line-editing key then), its code shown
  await page.keyboard.type(`stty raw -echo -iexten; echo armed; IFS= read -rn1 k; stty sane; printf 'key=%d\\n' "'$k"\n`);
  await waitForLine(/^armed$/);
  await pressWith(['Control'], 'V');
  const lines = await waitForLine(/key=\d+$/);
  assert.ok(lines.some((line) => line.endsWith('key=22')), `the program got ^V (22): ${JSON.stringify(lines.filter(Boolean))}`);
  // a paste would be in bash's line before this command, which would then not run
  await page.keyboard.type('echo after-$((5+5))\n');
  await waitForLine(/^after-10$/);
});

test('the right-click menu\'s Paste pastes the clipboard, bracketed', async () => {
  await pasteTwoLines('menu', async () => {
    await clickOn(page, '[role=tabpanel] .xterm-screen', { button: 'right', offset: { x: 40, y: 20 } });
    await clickOn(page, '::-p-aria([name="Paste"][role="menuitem"])');
    await waitInPage(page, () => !document.querySelector('[role=menu]'), 'the menu closed');
  });
  assert.equal(ff.problems, [], 'no page error, no CSP violation');
});

test.run();

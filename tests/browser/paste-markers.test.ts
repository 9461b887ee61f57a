// Bracketed paste exists so that a pasted newline does not run anything: the shell takes the paste
// as text and waits for Enter. A pasted text that carries the end marker itself (ESC [ 201 ~, which
// a web page can put on the clipboard behind innocent-looking text) must not end the paste early:
// what follows it would be typed as keys, its newline an Enter that runs the command. In a real
// Chromium against the server and the sandbox: a small paste (xterm.js's own way) into bash, which
// asks for bracketed paste at its prompt (a big one, in pieces: big-paste.test.ts; the markers' removal itself: input-queue.test.ts).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { waitFor } from '../support/wait.ts';
import { chooseInTerminalMenu, startBrowserApp, waitForPrompt, waitForRow, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;

test.before(async () => {
  b = await startBrowserApp();
  page = b.page;
  await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(b.app.url).origin });
});
test.after(async () => {
  await b?.close();
});

type XtermHost = { terminal: { modes: { bracketedPasteMode: boolean }; buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } } };

/** Every line of the shown terminal's buffer (scrollback included), trailing blanks trimmed. */
function bufferLines(): Promise<string[]> {
  return page.evaluate(() => {
    const buffer = (document.querySelector('[role=tabpanel] .xterm-host') as unknown as XtermHost).terminal.buffer.active;
    return Array.from({ length: buffer.length }, (_, i) => (buffer.getLine(i)?.translateToString(true) ?? '').trimEnd());
  });
}

/** Pastes `text` through the menu into bash at its prompt, then discards the line (Ctrl+C) and waits for a later command's output: what the paste ran, if anything, came before. */
async function pasteAtPrompt(text: string, mark: number): Promise<void> {
  await waitFor(() => page.evaluate(() => (document.querySelector('[role=tabpanel] .xterm-host') as unknown as XtermHost).terminal.modes.bracketedPasteMode), 'bash asking for bracketed paste at its prompt');
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await chooseInTerminalMenu(page, 'Paste');
  // the menu goes at once, the paste once the page has read the clipboard: on bash's line (its text
  // before the marker), it is there before the Ctrl+C. Else the check below could run before it came
  // (and pass, having seen nothing), or it could come in the middle of the next command typed
  const shown = text.split(/[\x1b\n]/)[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await waitForRow(page, new RegExp(shown));
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.press('Control+C');
  // readline, interrupted while it reads, can drop a key that comes right after the ^C ("cho: command
  // not found"), on any terminal. A person types at the new prompt; so does the test.
  await waitForPrompt(page);
  await page.keyboard.type(`echo after-$((${mark}+1))\r`);
  await waitForRow(page, new RegExp(`^after-${mark + 1}$`), 60_000);
}

test('a small paste carrying the end marker stays text: nothing after the marker runs', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(page.locator('[role=tab][aria-label="nginx: shell"] .badge'), /^live$/);
  await pasteAtPrompt('echo small-$((6*7))\x1b[201~\n', 10);
  const lines = await bufferLines();
  assert.not.ok(lines.some((line) => /^small-42$/.test(line)), `the paste ran a command by itself:\n${lines.join('\n')}`);
  assert.equal(b.problems, [], 'no page error, no CSP violation');
});

test.run();

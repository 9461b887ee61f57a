// A 10 MB paste through the terminal's right-click menu, in a real Chromium against the server and
// the sandbox: it goes out paced (the server's input rate, the socket's send buffer) while the page
// keeps drawing its progress, and arrives whole; "Stop pasting" drops the rest. A big paste that
// carries bracketed paste's end marker itself (ESC [ 201 ~, which a web page can put on the
// clipboard) stays one paste: sent, the marker would end it early and what follows would run as
// typed keys (the small paste's case: paste-markers.test.ts).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { chooseInTerminalMenu, screenRows, startBrowserApp, waitForPrompt, waitForRow, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;
const SIZE = 10_000_000;

test.before(async () => {
  b = await startBrowserApp();
  page = b.page;
  await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(b.app.url).origin });
});
test.after(async () => {
  await b?.close();
});

/** the paste's progress line (the panel has another status: what a screen reader hears of the terminal) */
const progress = () => page.getByRole('tabpanel').locator('.paste-progress');

/**
 * Pastes 10 MB through the menu and resolves, once it is all out (or stopped), to the progress
 * line as each animation frame drew it: recorded in the page, because this process also runs the
 * server that takes the paste, and would look too late. With `stopAt`, "Stop pasting" is clicked
 * in the first frame that shows at least that percentage.
 */
async function pasteTenMegabytes(stopAt?: number): Promise<string[]> {
  await page.evaluate(
    async ([n, stop]) => {
      await navigator.clipboard.writeText('0123456789'.repeat(n / 10));
      // a property, not a named function: tsx would wrap a name in a helper the page lacks
      const record = window as unknown as { pasteFrames: string[]; pasteFrame: number; drawn: () => void };
      record.pasteFrames = [];
      record.drawn = () => {
        const line = document.querySelector('[role=tabpanel] .paste-progress');
        if (line?.textContent?.startsWith('Pasting')) {
          record.pasteFrames.push(line.textContent);
          if (stop != null && Number(/(\d+)%/.exec(line.textContent)?.[1]) >= stop) line.querySelector('button')?.click();
        }
        record.pasteFrame = requestAnimationFrame(record.drawn);
      };
      record.drawn();
    },
    [SIZE, stopAt] as const,
  );
  await chooseInTerminalMenu(page, 'Paste');
  // the first frame of its progress, or the sentence that says why the paste did not start
  const started = await page.waitForFunction(
    () => ((window as unknown as { pasteFrames: string[] }).pasteFrames.length > 0 ? 'pasting' : document.querySelector('[role=tabpanel] .panel-message[role=alert]')?.textContent),
    undefined,
    { timeout: 30_000 },
  );
  assert.is(await started.jsonValue(), 'pasting');
  await progress().waitFor({ state: 'detached', timeout: 30_000 });
  return page.evaluate(() => {
    const record = window as unknown as { pasteFrames: string[]; pasteFrame: number };
    cancelAnimationFrame(record.pasteFrame);
    return record.pasteFrames;
  });
}

test('a 10 MB paste arrives whole, none of it refused by the server\'s input rate limit', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(page.locator('[role=tab][aria-label="nginx: shell"] .badge'), /^live$/);
  // raw, no echo: the shell's side counts exactly what was pasted
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type(`stty raw -echo; printf 'ready\\r\\n'; head -c ${SIZE} > /tmp/pasted; stty sane; echo got=$(wc -c < /tmp/pasted)\r`);
  // pasted before stty has made the terminal raw (a slow machine's stty), the paste met a cooked
  // terminal, which keeps 4 KiB of a line and drops the rest: head never got it all, and the test
  // waited for its count until its deadline
  await waitForRow(page, /^ready$/);
  const frames = await pasteTenMegabytes();
  // the page kept drawing while the paste went out: its progress in several frames, rising
  assert.ok(new Set(frames).size >= 2, `progress drawn: ${JSON.stringify([...new Set(frames)])}`);
  assert.match(frames[0], /^Pasting: \d+% sent/);
  await waitForRow(page, new RegExp(`^got=${SIZE}$`), 30_000);
  assert.not.ok((await screenRows(page.getByRole('tabpanel'))).some((row) => /faster than/.test(row)));
});

test('"Stop pasting" drops the rest: less arrives, and the terminal takes keys again', async () => {
  await page.keyboard.type(`stty -icanon -echo; head -c ${SIZE} > /tmp/cut; stty sane; echo\r`);
  const frames = await pasteTenMegabytes(20);
  assert.ok(frames.length > 0);
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.press('Control+C'); // head still waits for the rest: interrupt it
  // Keys typed before the prompt is back can go to head, not bash: the tty passes on what comes
  // after the ^C, and head, killed by it, may still read that before it dies (seen in CI). A
  // person types at the new prompt; so does the test.
  await waitForPrompt(page);
  await page.keyboard.type('echo cut=$(wc -c < /tmp/cut)\r');
  await waitForRow(page, /^cut=\d+$/);
  const cut = Number((await screenRows(page.getByRole('tabpanel'))).find((row) => /^cut=\d+$/.test(row))!.slice(4));
  assert.ok(cut < SIZE, `${cut} bytes arrived of ${SIZE}`);
  assert.equal(b.problems, [], 'no page error, no CSP violation');
});

test('a big paste (sent in pieces) carrying the end marker stays one paste: the marker inside it never reaches the program', async () => {
  await page.locator('[role=tabpanel] .xterm').click();
  // the program asks for bracketed paste and takes the paste raw, as it came: 70019 bytes once the marker inside is made harmless (its ESC dropped)
  await page.keyboard.type("stty raw -echo; printf '\\e[?2004hready\\r\\n'; head -c 70019 > /tmp/p; stty sane; printf '\\e[?2004l'; p=$(< /tmp/p); echo inner=$([[ ${p:6:-6} == *$'\\e[201~'* ]] && echo 1 || echo 0) start=$([[ ${p:0:6} == $'\\e[200~' ]] && echo 1 || echo 0)\r");
  await waitForRow(page, /^ready$/);
  // past one piece (64 Ki characters): the marker comes in the second piece
  await page.evaluate((t) => navigator.clipboard.writeText(t), `${'x'.repeat(70_000)}\x1b[201~y\n`);
  await chooseInTerminalMenu(page, 'Paste');
  await waitForRow(page, /^inner=\d+ start=\d+$/, 30_000);
  const rows = await screenRows(page.getByRole('tabpanel'));
  assert.ok(rows.includes('inner=0 start=1'), `bracketed, and no end marker before the end:\n${rows.filter(Boolean).slice(-8).join('\n')}`);
  assert.equal(b.problems, [], 'no page error, no CSP violation');
});

test.run();

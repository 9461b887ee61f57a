// The Recordings page plays the run last asked for. Play fetched the cast and showed whatever
// answer came: Play on a big (slow) recording, then Play on another, and the first answer,
// arriving last, replaced the second under the person's eyes (its title and its player), though
// they had asked for the second.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page, Request, Route } from 'playwright-core';
import { withTimeout } from '../support/wait.ts';
import { startBrowserApp, waitForRow, waitForText, type BrowserApp } from './support.ts';

const test = suite('recordings: Play answers arriving out of order', { deadlineMs: 120_000 });

let b: BrowserApp | undefined;
test.after(async () => {
  await b?.close();
});

async function recordShell(page: Page, word: string): Promise<void> {
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(page.getByRole('tabpanel').locator('.badge').first(), /^live$/);
  await page.locator('[role=tabpanel] .xterm').click(); // the keys go to this tab's terminal, wherever the focus was
  await page.keyboard.type(`echo ${word}-$((40+2)); exit\r`);
  await waitForText(page.getByRole('tabpanel').locator('.badge').first(), /^exited 0$/);
}

test('the cast of an earlier Play that answers late does not replace the one asked for last', async () => {
  b = await startBrowserApp({ recording: { mode: 'all' } });
  const page = b.page;
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await recordShell(page, 'first');
  await recordShell(page, 'second');
  await waitForRow(page, /^second-42/);

  await page.goto(new URL('/recordings', b.app.url).href);
  await waitForText(page.getByTestId('recordings-count'), /^2 recorded runs$/);
  const plays = page.getByRole('button', { name: /^Play / });
  // newest first: the second shell's run, then the first's
  const [second, first] = [await plays.nth(0).getAttribute('aria-label'), await plays.nth(1).getAttribute('aria-label')];
  const firstTitle = first!.replace(/^Play /, '');
  const secondTitle = second!.replace(/^Play /, '');
  const firstSession = firstTitle.split(' ')[1];

  // the first run's cast is held on its way (a big one, a slow link)
  let held: Route | undefined;
  await page.route(`**/api/v1/sessions/${firstSession}/recording?run=1`, (route) => {
    held = route;
  });
  await page.getByRole('button', { name: first!, exact: true }).click();
  await page.getByRole('heading', { name: firstTitle, exact: true }).waitFor();
  // …and meanwhile the person plays the other one
  await page.getByRole('button', { name: second!, exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=cast-player] .ap-term-text')?.textContent?.includes('second-42'), undefined, { timeout: 30_000 });
  assert.ok(held, 'the first cast was asked for');

  // the first answer arrives now, and the page reads it
  // finished or failed: the page reads the cast as a stream and lets go of it at its last byte, which
  // Chromium may report as aborted (net::ERR_ABORTED) rather than finished, every byte read all the same
  const finished = new Promise<void>((resolve) => {
    const ended = (request: Request) => {
      if (!request.url().includes(`/sessions/${firstSession}/recording`)) return;
      page.off('requestfinished', ended).off('requestfailed', ended);
      resolve();
    };
    page.on('requestfinished', ended).on('requestfailed', ended);
  });
  await held!.continue();
  await withTimeout(finished, 30_000, 'the first cast answered');
  // the page's own continuation of that answer runs in its next tasks
  await page.evaluate(() => new Promise((resolve) => setTimeout(() => requestAnimationFrame(() => setTimeout(resolve, 0)), 0)));

  const titles = await page.locator('.recording-view h2').allInnerTexts();
  assert.equal(titles, [secondTitle], 'still the run asked for last');
  await page.waitForFunction(() => document.querySelector('[data-testid=cast-player] .ap-term-text')?.textContent?.includes('second-42'), undefined, { timeout: 30_000 });
  assert.equal(b.problems, []);
});

test.run();

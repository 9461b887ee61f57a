// Recording and playback in a real Chromium (docs/ui.md "Recordings"): the Exec dialog's Record
// switch, the REC badge on the tab, Stop recording, the Recordings view with asciinema-player
// playing the cast as soon as Play is clicked, seeking back and forth on its progress bar, a new
// speed that keeps the place, full screen, and the .cast download. Steps share one server and one
// page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { appForFile, describedAs, PAGE_WAIT_MS, waitForRow, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;

appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const tab = () => page.getByRole('tab', { name: 'nginx: shell', exact: true });
const playerText = () => page.locator('[data-testid=cast-player] .ap-term-text').innerText();

test('the Exec dialog records a shell: its tab wears the REC badge until recording is stopped', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('button', { name: 'Exec', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Exec in pod' });
  await dialog.getByRole('checkbox', { name: 'Record' }).check();
  await dialog.getByRole('button', { name: 'Run' }).click();
  await waitForText(tab().locator('[data-testid=recording-badge]'), /REC/);
  await waitForText(tab().locator('.badge').first(), /^live$/);
  assert.is(await describedAs(tab()), 'live ● REC', "the tab's description says it records: its name hides the badge");
  // the keys go to this terminal wherever the focus is: the dialog gives the focus back to Exec as
  // it goes, after the next frame, which can come after the new terminal has taken it
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('echo first-$((1+1))\r');
  await waitForRow(page, /^first-2$/);
  await page.keyboard.type('sleep 2; echo second-$((1+2))\r');
  await waitForRow(page, /^second-3$/);
  await page.getByRole('button', { name: 'Stop recording' }).click();
  await waitForText(page.getByRole('tabpanel').locator('[data-testid=recording-badge]'), /^recording stopped$/);
  assert.is(await page.getByRole('button', { name: 'Record', exact: true }).getAttribute('aria-pressed'), 'false');
});

test('the Recordings view plays the cast, seeks back and forth, and downloads it', async () => {
  await page.getByRole('tabpanel').getByRole('link', { name: 'Recordings' }).click();
  await waitForText(page.getByTestId('recordings-count'), /^1 recorded run$/);
  await page.getByRole('button', { name: /^Play / }).click();
  const player = page.getByTestId('cast-player');
  await player.locator('.ap-player').waitFor();
  // Play plays: no click on the player's start overlay (standing at 00:00, it shows nothing typed)
  await page.waitForFunction(() => document.querySelector('[data-testid=cast-player] .ap-term-text')?.textContent?.includes('second-3'), undefined, { timeout: PAGE_WAIT_MS });
  assert.match(await playerText(), /first-2/);
  // paused (its keys work once it has the focus), then to the start of the progress bar (before
  // anything was typed) and to its end
  await player.locator('.ap-wrapper').focus();
  await page.keyboard.press('Space');
  const bar = player.locator('.ap-progressbar .ap-bar');
  const box = (await bar.boundingBox())!;
  await page.mouse.click(box.x + 2, box.y + box.height / 2);
  await page.waitForFunction(() => !document.querySelector('[data-testid=cast-player] .ap-term-text')?.textContent?.includes('first-2'), undefined, { timeout: PAGE_WAIT_MS });
  await page.mouse.click(box.x + box.width - 2, box.y + box.height / 2);
  await page.waitForFunction(() => document.querySelector('[data-testid=cast-player] .ap-term-text')?.textContent?.includes('second-3'), undefined, { timeout: PAGE_WAIT_MS });

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /^Download .* as \.cast$/ }).click()]);
  assert.match(download.suggestedFilename(), /^t\d+-run1-\d+\.cast$/);
  const cast = readFileSync((await download.path())!, 'utf8').split('\n');
  assert.is(JSON.parse(cast[0]).version, 2);
  assert.ok(cast.some((line) => line.includes('second-3')));
  assert.equal(b.problems, []);
});

test('a new speed keeps the place in the recording, and f takes the player to full screen and back', async () => {
  const player = page.getByTestId('cast-player');
  // the last step left it paused at its end: a player made anew would stand at its start
  const before = await player.locator('.ap-wrapper').elementHandle();
  await page.getByLabel('Speed').selectOption('4');
  await page.waitForFunction((old) => !old!.isConnected && document.querySelector('[data-testid=cast-player] .ap-wrapper') !== null, before, { timeout: PAGE_WAIT_MS });
  await page.waitForFunction(() => document.querySelector('[data-testid=cast-player] .ap-term-text')?.textContent?.includes('second-3'), undefined, { timeout: PAGE_WAIT_MS });
  // the player learns it is full screen from the wrapper's fullscreenchange, and an f before that
  // asks for full screen again: counted here by a listener added after the player's own
  await page.evaluate(() => {
    const seen = window as unknown as { fullscreenChanges: number };
    seen.fullscreenChanges = 0;
    document.querySelector('[data-testid=cast-player] .ap-wrapper')!.addEventListener('fullscreenchange', () => seen.fullscreenChanges++);
  });
  await player.locator('.ap-player').click();
  await page.keyboard.press('f');
  await page.waitForFunction(() => document.fullscreenElement?.closest('[data-testid=cast-player]') != null && (window as unknown as { fullscreenChanges: number }).fullscreenChanges === 1, undefined, { timeout: PAGE_WAIT_MS });
  await page.keyboard.press('f');
  await page.waitForFunction(() => document.fullscreenElement === null, undefined, { timeout: PAGE_WAIT_MS });
  assert.equal(b.problems, []);
});

test.run();

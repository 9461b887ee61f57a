// The Exec and batch dialogs show the argv a command will run before it runs. A command the
// server refuses (POST /exec and /batches, src/server/exec-body.ts: an empty program, more than
// 256 words, more than 32 KiB) was shown as "Runs argv: …" with Run on: Run closed the dialog,
// the typed command was gone, and an alert came back with the server's refusal. The dialog now
// says why under the field and keeps Run off, as it does for an unclosed quote.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Locator, Page } from 'playwright-core';
import { startBrowserApp, describedAs, type BrowserApp } from './support.ts';

const test = suite('dialogs: a command the server would refuse', { deadlineMs: 90_000 });

let b: BrowserApp | undefined;
let page: Page;
test.before(async () => {
  b = await startBrowserApp();
  page = b.page;
});
test.after(async () => {
  await b?.close();
});

async function refused(dialog: Locator, line: string, why: RegExp): Promise<void> {
  const field = dialog.getByRole('textbox', { name: 'Command', exact: true });
  await field.fill(line);
  assert.match(await describedAs(field), why, `${line.slice(0, 40)}: says why`);
  assert.not.match(await describedAs(field), /^Runs argv/, `${line.slice(0, 40)}: not said to run`);
  assert.is(await dialog.getByRole('button', { name: 'Run', exact: true }).isDisabled(), true, `${line.slice(0, 40)}: Run is off`);
}

const manyWords = Array.from({ length: 257 }, (_, i) => `w${i}`).join(' ');
const long = `echo ${'x'.repeat(33 * 1024)}`;

test('the Exec dialog: an empty program, too many words, too long', async () => {
  await page.goto(b!.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('button', { name: 'Exec', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Exec in pod' });
  await refused(dialog, `'' ls`, /program .*empty/i);
  await refused(dialog, '""', /program .*empty/i);
  await refused(dialog, manyWords, /257 words: at most 256/);
  await refused(dialog, long, /longer than 32768 bytes/);
  // a command the server takes still runs
  await dialog.getByRole('textbox', { name: 'Command', exact: true }).fill(`printf '%s' ""`);
  assert.is(await dialog.getByRole('button', { name: 'Run', exact: true }).isDisabled(), false);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
});

test('the batch dialog: the same', async () => {
  await page.goto(new URL('/', b!.app.url).href);
  await page.getByRole('checkbox', { name: 'Select web' }).check();
  await page.getByRole('button', { name: 'Run in all containers' }).click();
  const dialog = page.getByRole('dialog', { name: 'Run in all containers' });
  await refused(dialog, `"" -c true`, /program .*empty/i);
  await refused(dialog, manyWords, /257 words: at most 256/);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(b!.problems, []);
});

test.run();

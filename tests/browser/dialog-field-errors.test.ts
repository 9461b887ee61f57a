// A dialog that will not run says why under its fields; a screen reader must hear it on the field
// it is about: that field is aria-invalid and its description (aria-describedby) has the
// sentence, as WCAG 3.3.1 asks. The Exec dialog's idle timeout and command, the batch dialog's
// concurrency, timeout and command, the Upload and Download dialogs' paths, Settings' font size.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Locator, Page } from 'playwright-core';
import { appForFile, describedAs, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;
appForFile(test, (app) => {
  b = app;
  page = app.page;
});

/** The field says it is wrong, and why (its description has `why`); fixed, it says neither. */
async function saysWhy(field: Locator, bad: string, why: RegExp, good: string): Promise<void> {
  await field.fill(bad);
  assert.is(await field.getAttribute('aria-invalid'), 'true', `${bad}: aria-invalid`);
  assert.match(await describedAs(field), why);
  await field.fill(good);
  assert.is.not(await field.getAttribute('aria-invalid'), 'true', `${good}: valid again`);
  assert.not.match(await describedAs(field), why);
}

test('the Exec dialog: an idle timeout out of range, a command that cannot be split', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('button', { name: 'Exec', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Exec in pod' });
  await saysWhy(dialog.getByRole('spinbutton', { name: 'Idle timeout', exact: true }), '0', /idle timeout must be a whole number from 1 to 86400/, '300');
  await saysWhy(dialog.getByRole('textbox', { name: 'Command', exact: true }), 'echo "open', /quote/i, 'echo closed');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
});

test('Upload and Download: a path that is not absolute', async () => {
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(page.locator('[role=tab][aria-selected=true] .badge'), /^live$/);
  await page.getByRole('button', { name: 'Upload…' }).click();
  const upload = page.getByRole('dialog', { name: /^Upload to / });
  await saysWhy(upload.getByRole('textbox', { name: 'Directory in the container' }), 'tmp', /must be absolute/, '/tmp');
  await page.keyboard.press('Escape');
  await upload.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Download…' }).click();
  const download = page.getByRole('dialog', { name: /^Download from / });
  await saysWhy(download.getByRole('textbox', { name: /^File or directory/ }), 'etc/hostname', /must be absolute/, '/etc/hostname');
  await page.keyboard.press('Escape');
  await download.waitFor({ state: 'detached' });
});

test('Settings: a font size out of bounds', async () => {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await saysWhy(dialog.getByRole('spinbutton', { name: 'Font size (px)' }), '99', /from 8 to 32/, '13');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
});

test('the batch dialog: concurrency and timeout out of range, a command that cannot be split', async () => {
  await page.getByRole('link', { name: 'Pods', exact: true }).click();
  await page.getByRole('checkbox', { name: 'Select web', exact: true }).check();
  await page.getByRole('button', { name: 'Run in all containers', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Run in all containers' });
  await dialog.getByRole('textbox', { name: 'Command', exact: true }).fill('hostname');
  await saysWhy(dialog.getByRole('spinbutton', { name: 'Concurrency', exact: true }), '100', /Concurrency must be a whole number from 1 to 64/, '8');
  await saysWhy(dialog.getByRole('spinbutton', { name: 'Timeout (s)', exact: true }), '0', /timeout must be empty \(none\) or a whole number/, '30');
  await saysWhy(dialog.getByRole('textbox', { name: 'Command', exact: true }), "echo 'open", /quote/i, 'hostname');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
});

test('no page errors', () => {
  assert.equal(b.problems, []);
});

test.run();

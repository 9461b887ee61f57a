// Files in and out from the page, in a real Chromium against the server and the sandbox: Upload
// from a terminal tab (a file chosen in the dialog) with the progress bar finishing at its size,
// the bytes checked inside the container, Download of the same file with the same sha256, a log
// still written to saved with its row's alert saying it changed while it was copied, a folder
// whose entries were left out saved with an alert saying how many, a folder with a file it may not
// read failing with why (the footer says it: fetch reads no trailers), and a missing path shown as
// the server's sentence, without a progress bar. Steps share one server and one page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { Download, Page } from 'playwright-core';
import { appForFile, PAGE_WAIT_MS, screenshot, waitForRow, waitForText, type BrowserApp } from './support.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

let b: BrowserApp;
let page: Page;
const data = randomBytes(3 * 1024 * 1024);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

appForFile(test, (app) => {
  b = app;
  page = app.page;
});

test('a shell in web, then Upload… puts a chosen file into /tmp with a progress bar that ends at its size', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(page.locator('[role=tab][aria-label="nginx: shell"] .badge'), /^live$/);
  await page.getByRole('button', { name: 'Upload…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Upload to nginx' });
  await dialog.waitFor();
  assert.is(await dialog.getByRole('textbox', { name: 'Directory in the container' }).inputValue(), '/tmp');
  // no file chosen yet is how it starts, not an error: Upload waits for one, nothing in red
  assert.ok(await dialog.getByRole('button', { name: 'Upload', exact: true }).isDisabled());
  assert.is(await dialog.locator('.error').count(), 0, 'no error before anything was done');
  await dialog.getByRole('textbox', { name: 'Directory in the container' }).fill('tmp');
  await waitForText(dialog.locator('.error'), /^The path must be absolute: start it with \/\.$/);
  await dialog.getByRole('textbox', { name: 'Directory in the container' }).fill('/tmp');
  await dialog.locator('input[type=file]').setInputFiles({ name: 'page-upload.bin', mimeType: 'application/octet-stream', buffer: data });
  await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
  const item = page.getByTestId('transfer').filter({ hasText: 'page-upload.bin' });
  await waitForText(item, /done: page-upload\.bin is in \/tmp/, 30_000);
  assert.match(await item.innerText(), /3\.1 MB of 3\.1 MB, [\d.]+ [KMG]?B\/s/);
  assert.is(await item.locator('progress').evaluate((el) => (el as HTMLProgressElement).value), 1);
  await screenshot(page, 'files-upload');
  // the container has the same bytes
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('sha256sum /tmp/page-upload.bin\r');
  await waitForRow(page, new RegExp(`^${sha(data)}  /tmp/page-upload\\.bin$`));
});

/** Asks for PATH through the Download… dialog. */
async function askDownload(path: string): Promise<void> {
  await page.getByRole('button', { name: 'Download…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Download from nginx' });
  await dialog.getByRole('textbox').fill(path);
  await dialog.getByRole('button', { name: 'Download', exact: true }).click();
}

/** Asks for PATH, and waits for the browser to save it. */
async function saveDownload(path: string): Promise<Download> {
  const [download] = await Promise.all([page.waitForEvent('download'), askDownload(path)]);
  return download;
}

test('Download… saves the same file back, byte for byte', async () => {
  const download = await saveDownload('/tmp/page-upload.bin');
  assert.is(download.suggestedFilename(), 'page-upload.bin');
  assert.is(sha(readFileSync((await download.path())!)), sha(data));
  const item = page.getByTestId('transfer').filter({ hasText: '/tmp/page-upload.bin' });
  await waitForText(item, /done: saved as page-upload\.bin/);
  assert.is(await item.locator('progress').evaluate((el) => (el as HTMLProgressElement).value), 1);
});

test('a log still written to downloads whole as tar read it, and its row says it changed, as an alert', async () => {
  // 8 MB first, then lines without a pause until the download is over: tar must see the file
  // change while it reads it, and a pause between lines (10 ms, or a burst every 10 ms) let a quick
  // read on a loaded machine fall between two (CI166, CI169). The loop keeps a core busy for the
  // few seconds of the download.
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('head -c 8000000 /dev/zero | tr "\\0" x > /tmp/grow.log && (while [ ! -e /tmp/grow-stop ]; do echo line; done >> /tmp/grow.log &) && echo grow-started\r');
  await waitForRow(page, /^grow-started$/, 30_000);
  try {
    const download = await saveDownload('/tmp/grow.log');
    assert.is(download.suggestedFilename(), 'grow.log');
    const saved = readFileSync((await download.path())!);
    assert.ok(saved.length >= 8_000_000 && saved.subarray(0, 8_000_000).every((byte) => byte === 0x78), `${saved.length} bytes saved: the log as it began`);
    assert.match(saved.subarray(8_000_000).toString(), /^(line\n)*$/, 'then whole lines, and no footer');
    const item = page.getByTestId('transfer').filter({ hasText: '/tmp/grow.log' });
    await waitForText(item, /done: saved as grow\.log/);
    const alert = item.getByRole('alert');
    assert.is(await alert.innerText(), 'It changed while it was copied: the copy holds what tar read, which may be cut short or mix two versions.');
    await screenshot(page, 'files-download-changed');
  } finally {
    await page.locator('[role=tabpanel] .xterm').click();
    await page.keyboard.type('touch /tmp/grow-stop\r');
  }
});

test('a path that does not exist fails with the server\'s sentence', async () => {
  await askDownload('/tmp/never-there');
  const item = page.getByTestId('transfer').filter({ hasText: '/tmp/never-there' });
  await waitForText(item, /failed: "\/tmp\/never-there" does not exist in the container "nginx"/);
  // its size was never known: an animated (value-less) bar next to "failed" would say it still moves
  assert.is(await item.locator('progress').count(), 0);
  assert.equal(b.problems, []);
});

test('a folder with entries left out is saved, its row warning how many; one with a file it may not read fails with why', async () => {
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('rm -rf /tmp/pd /tmp/pp && mkdir /tmp/pd /tmp/pp && echo data > /tmp/pd/f && ln /tmp/pd/f /tmp/pd/hard && ln -s /etc/hostname /tmp/pd/abs && echo ok > /tmp/pp/ok && echo s > /tmp/pp/secret && chmod 000 /tmp/pp/secret && echo folders-made\r');
  await waitForRow(page, /^folders-made$/);
  const download = await saveDownload('/tmp/pd');
  assert.is(download.suggestedFilename(), 'pd.tar.gz');
  const saved = readFileSync((await download.path())!);
  assert.equal([...saved.subarray(0, 2)], [0x1f, 0x8b], 'the .tar.gz, its footer taken off');
  const item = page.getByTestId('transfer').filter({ hasText: '/tmp/pd' });
  await waitForText(item, /done: saved as pd\.tar\.gz/);
  assert.match(await item.getByRole('alert').innerText(), /^2 entries were left out of the copy: hard links, symlinks that point outside the folder/);
  await askDownload('/tmp/pp');
  await waitForText(page.getByTestId('transfer').filter({ hasText: '/tmp/pp' }), /failed: The container "nginx" of pod "web" may not read all of "\/tmp\/pp" as its user \(tar said: .*Permission denied\): download what it may read\. Nothing was saved\./);
});

test('Cancel on a running upload stops it and says so', async () => {
  // the request is held on its way out until the test lets it go, so the upload is surely running
  // (the route in place before the click; the wait for the request bounded, by name)
  let release: (() => Promise<void>) | undefined;
  let heard!: () => void;
  const held = new Promise<void>((resolve) => (heard = resolve));
  await page.route('**/api/v1/files/upload?**', (route) => {
    release = () => route.abort();
    heard();
  });
  await page.getByRole('button', { name: 'Upload…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Upload to nginx' });
  await dialog.locator('input[type=file]').setInputFiles({ name: 'cancelled.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(1024) });
  await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
  await withTimeout(held, PAGE_WAIT_MS, 'the upload request');
  const item = page.getByTestId('transfer').filter({ hasText: 'cancelled.bin' });
  await item.getByRole('button', { name: 'Cancel' }).click();
  await waitForText(item, /cancelled: Cancelled\./);
  assert.is(await item.getByRole('button', { name: 'Cancel' }).count(), 0);
  await release!();
  await page.unroute('**/api/v1/files/upload?**');
});

test('a transfer in progress is on the Terminals page with its kind and path, and Close there cancels it', async () => {
  // an upload that stays open: half its announced bytes sent, the rest held back
  const req = request(`${b.app.url}api/v1/files/upload?namespace=default&pod=web&container=nginx&path=/tmp&name=held.bin`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${b.app.token}`, 'Content-Type': 'application/octet-stream', 'Content-Length': 2 * 2 ** 20 },
  });
  const answer = new Promise<number>((resolve) => {
    req.once('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', () => resolve(0));
  });
  req.write(Buffer.alloc(2 ** 20));
  await page.getByRole('link', { name: 'Terminals', exact: true }).click();
  const row = page.locator('tr', { has: page.getByTestId('transfer-kind') });
  await waitForText(row.getByTestId('transfer-kind'), /^upload \/tmp$/);
  assert.is(await row.getByRole('button', { name: 'Open' }).count(), 0, 'a transfer has no screen to open');
  await row.getByRole('button', { name: 'Close' }).click();
  assert.is(await withTimeout(answer, PAGE_WAIT_MS, 'the answer to the held upload'), 409, 'the held upload is answered as cancelled');
  // its clean-up (rm of the part that came: src/server/files/staged-file.ts) is an upload action too, listed for a moment
  await waitFor(async () => (await row.count()) === 0, 'the upload and its clean-up to leave the list');
  req.destroy();
});

test.run();

// A base64 --token-file token (`+`, `/`, `=`) signs the page in however it comes: in the URL's
// fragment percent-encoded or with its `+` typed as it is (read as a form, `+` became a space and
// the token another), and in the Token field as the whole URL or its `#token=…` part (sent as
// given, it was "not this server's"); the bare URL pasted there is said to be the address, not the
// token. Each way starts from a browser with no cookie.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PAGE_WAIT_MS, startBrowserApp, type BrowserApp } from './support.ts';

const test = suite('a --token-file token with + / = signs in', { deadlineMs: 120_000 });
const TOKEN = 'q+8/Zr1K+2vX9w/T0pLm+Yx3Ue8aN5dC4fBh7sQe0Jk=';
const dir = mkdtempSync(join(tmpdir(), 'octant-exec-token-file-page-'));
let b: BrowserApp | undefined;
/** uncaught errors of the fresh pages */
const problems: string[] = [];
test.before(async () => {
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  b = await startBrowserApp({ tokenFile });
});
test.after(async () => {
  await b?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh page in a browser without the session cookie, opened at `url`. */
async function freshPage(url: string): Promise<Page> {
  await b!.context.clearCookies();
  const page = await b!.context.newPage();
  page.setDefaultTimeout(PAGE_WAIT_MS);
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(url);
  return page;
}

/** Waits for the pods list (signed in) or a refusal of the token, and says which. */
async function signedIn(page: Page): Promise<string> {
  const pods = page.getByRole('link', { name: 'web', exact: true });
  const refused = page.locator('main.signed-out [role=alert]', { hasText: /^That / });
  await pods.or(refused).first().waitFor();
  return (await pods.isVisible()) ? 'signed in' : `refused: ${await refused.textContent()}`;
}

test('in the URL: percent-encoded, or with its + typed as it is; the address keeps neither', async () => {
  for (const fragment of [encodeURIComponent(TOKEN), TOKEN]) {
    const page = await freshPage(`${b!.app.url}#token=${fragment}`);
    assert.is(await signedIn(page), 'signed in', fragment);
    assert.not.ok(page.url().includes('token'), page.url());
    await page.close();
  }
});

test('in the Token field: the whole URL, or its #token= part, pasted', async () => {
  for (const pasted of [`${b!.app.url}#token=${encodeURIComponent(TOKEN)}`, `#token=${TOKEN}`]) {
    const page = await freshPage(b!.app.url);
    await page.getByLabel('Token', { exact: true }).fill(pasted);
    await page.keyboard.press('Enter');
    assert.is(await signedIn(page), 'signed in', pasted);
    await page.close();
  }
});

test("the bare URL such a server prints, pasted in the Token field: it says that is the address, not the token", async () => {
  const page = await freshPage(b!.app.url);
  await page.getByLabel('Token', { exact: true }).fill(b!.app.url);
  await page.keyboard.press('Enter');
  assert.match(await signedIn(page), /^refused: That is the server's address, without a token: give the token in its --token-file/);
  await page.close();
  assert.equal(problems, []);
});

test.run();

// With --sandbox-unisolated the page says, on every screen, that sandbox containers are plain
// processes of the user: nobody should mistake them for isolated ones.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startBrowserApp, type BrowserApp } from './support.ts';

let b: BrowserApp;
test.before(async () => {
  b = await startBrowserApp({ sandboxOptions: { isolation: 'none' } });
});
test.after(async () => {
  await b?.close();
});

test('a red banner says the sandbox containers are not isolated, on the pods list and in a pod', async () => {
  const { page } = b;
  await page.goto(b.openUrl);
  const banner = page.getByRole('alert').filter({ hasText: 'not isolated' });
  await banner.waitFor();
  assert.match(await banner.innerText(), '--sandbox-unisolated');
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('button', { name: 'Shell', exact: true }).waitFor();
  assert.ok(await banner.isVisible());
  assert.equal(b.problems, []);
});

test.run();

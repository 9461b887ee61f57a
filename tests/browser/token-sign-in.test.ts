// The page opened without its token (a --token-file server prints its URL without it; a bookmark):
// it says how to sign in and takes the token in a field (focused), a wrong one or something that is
// no token refused in words with the field kept, the right one signing in as the URL's would. The
// token never reaches the address bar.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { appForFile, PAGE_WAIT_MS, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
appForFile(test, (app) => (b = app));

test('without a token the page offers a field; a wrong token is refused, said; the right one signs in', async () => {
  const { page } = b;
  await page.goto(b.app.url);
  const alert = page.locator('main.signed-out [role=alert]');
  await waitForText(alert, /not signed in: open the URL octant-exec printed, which carries its token after #token=, or give the token here/);
  const field = page.getByLabel('Token', { exact: true });
  assert.is(await field.getAttribute('type'), 'password');
  assert.is(await page.evaluate(() => document.activeElement?.id), 'sign-in-token', 'ready to type into');
  assert.ok(await page.getByRole('button', { name: 'Sign in', exact: true }).isDisabled(), 'nothing to send yet');

  // each answer comes late, after a wait for the alert has begun: the refusal's new element is what it must see
  await page.route('**/api/v1/info', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await route.continue();
  });
  await field.fill('x'.repeat(43));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await waitForText(alert, /^That token is not this server's/);
  // the same wrong token again: the same sentence, put up anew so that a screen reader says it again
  await alert.evaluate((element) => ((window as unknown as { firstRefusal: Element }).firstRefusal = element));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForFunction(() => !(window as unknown as { firstRefusal: Element }).firstRefusal.isConnected);
  await waitForText(alert, /^That token is not this server's/);
  // a service account's token pasted by mistake: longer than any of octant-exec's (the server says 400)
  await field.fill(`eyJ${'a'.repeat(900)}`);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await waitForText(alert, /^That is not a token of octant-exec's/);

  await field.fill(`  ${b.app.token}  `); // pasted with blanks around it
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'web', exact: true }).waitFor({ timeout: PAGE_WAIT_MS });
  assert.not.ok(page.url().includes(b.app.token), page.url());
  assert.equal(b.problems, []);
});

test.run();

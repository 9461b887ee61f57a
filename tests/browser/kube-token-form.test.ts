// The kube-token sign-in form in a real Chromium: the person pastes their Kubernetes token and is
// signed in. Chromium sends `Origin: null` with a form post from a page whose Referrer-Policy is
// no-referrer, which the server's cross-site check refuses: the sign-in pages keep the origin
// for their own posts (same-origin), and nothing of it ever leaves for another site.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Request } from 'playwright-core';
import { startBrowserApp, testContext, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
test.before(async () => {
  b = await startBrowserApp({ auth: { mode: 'kube-token' }, adminGroups: ['octant-admins'] });
});
test.after(async () => {
  await b?.close();
});

test("alice pastes her token on the form and is signed in; the form's post carried the page's own Origin", async () => {
  const context = await testContext({ viewport: { width: 1280, height: 860 } });
  try {
    const page = await context.newPage();
    const posts: Request[] = [];
    page.on('request', (request) => void (request.method() === 'POST' && posts.push(request)));
    const origin = new URL(b.app.url).origin;
    await page.goto(origin);
    await page.waitForURL((url) => url.pathname === '/auth/sign-in');
    await page.locator('textarea, input[name=token]').first().fill(b.app.sandbox!.users.alice.token);
    await page.getByRole('button', { name: /sign in/i }).click();
    await waitForText(page.getByTestId('signed-in-user'), /^alice$/);
    const signIn = posts.find((request) => new URL(request.url()).pathname === '/auth/sign-in');
    assert.is(await signIn?.headerValue('origin'), origin);
  } finally {
    await context.close();
  }
});

test.run();

// The owner's open Share dialog follows who watches, in a real Chromium (local mode): a second
// browser context opens the link and the dialog shows it "watching now" without a click; the
// context closes and the dialog shows "not watching". Neither is read again by the dialog (no GET
// of the shares after the link was made): the server pushed both on the page's socket.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Request } from 'playwright-core';
import { otherBrowsers, startBrowserApp, waitForText, type BrowserApp, type OtherBrowsers } from './support.ts';

let b: BrowserApp;
let others: OtherBrowsers;

test.before(async () => {
  // a person is logged as gone this long after their last socket closed (30 s by default)
  b = await startBrowserApp({ hub: { shareLeftAfterMs: 300 } });
  others = otherBrowsers();
});
test.after(async () => {
  await others?.close();
  await b?.close();
});

test("a viewer joining and leaving shows in the owner's open dialog as it happens, without a click", async () => {
  const owner = b.page;
  const isList = (request: Request) => request.method() === 'GET' && /\/api\/v1\/sessions\/[^/]+\/shares$/.test(new URL(request.url()).pathname);
  let listed = 0;
  owner.on('request', (request) => void (isList(request) && listed++));
  /** the dialog's next read of the list, answered */
  const read = () => owner.waitForResponse((response) => isList(response.request()));
  await owner.goto(b.openUrl);
  await owner.getByRole('link', { name: 'web', exact: true }).click();
  await owner.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(owner.locator('[role=tab][aria-label="nginx: shell"] .badge'), /^live$/);
  // the dialog reads the list when it opens, and again after making a link: both answered, then no more
  let answered = read();
  await owner.getByRole('button', { name: 'Share…' }).click();
  await answered;
  const dialog = owner.getByRole('dialog');
  await dialog.getByLabel('Role').selectOption('viewer');
  answered = read();
  await dialog.getByRole('button', { name: 'Make link' }).click();
  await answered;
  const link = await waitForLink(dialog.getByLabel('Link (shown once)'));
  const id = /#id=(\w+)&/.exec(link)![1];
  const holder = dialog.locator(`li[data-share="${id}"] li[data-watcher="link holder"]`);
  const readsBefore = listed;

  const viewerContext = await others.newContext();
  const viewer = await viewerContext.newPage();
  await viewer.goto(link);
  await waitForText(viewer.getByTestId('shared-banner'), /as a viewer/);
  await waitForText(holder, /^link holder: viewer, watching now \(joined /);

  await viewerContext.close();
  await waitForText(holder, /^link holder: viewer, not watching \(joined /);
  assert.is(listed, readsBefore, 'the dialog read no list: both changes were pushed');
  assert.equal(b.problems, []);
});

/** The link the dialog shows once made. */
async function waitForLink(field: ReturnType<BrowserApp['page']['getByLabel']>): Promise<string> {
  await field.waitFor();
  await field.page().waitForFunction((el) => (el as HTMLInputElement).value.includes('#id='), await field.elementHandle());
  return field.inputValue();
}

test.run();

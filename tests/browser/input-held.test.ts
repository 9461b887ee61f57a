// A program that stops reading its input, as the page meets it: past a MiB waiting the server says
// `inputHeld`, and the panel says why a paste stands still (what is typed waits in the page); once
// the program reads again the note goes and the rest of the paste arrives, whole and in order.
// The program is a stand-in (FakeExecAdapter's takeNoInput): a real one fills every buffer between
// (the PTY's, the cluster connection's, the kernel's) before the server holds anything.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Buffer } from 'node:buffer';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { INPUT_HELD_AT } from '../../src/runtime/terminal-io.ts';
import { waitFor } from '../support/wait.ts';
import { chooseInTerminalMenu, PAGE_WAIT_MS, startBrowserApp, waitForText, type BrowserApp } from './support.ts';

const adapter = new FakeExecAdapter((stream) => void stream.open().stdout('$ ').takeNoInput());
let b: BrowserApp;
test.before(async () => {
  b = await startBrowserApp({ adapter: () => adapter });
  await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(b.app.url).origin });
});
test.after(async () => {
  await b?.close();
});

const SIZE = 3 * INPUT_HELD_AT;

test('a paste into a program that does not read: the panel says so; once it reads, the note goes and the paste arrives whole', async () => {
  const { page } = b;
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(page.locator('[role=tab][aria-label="nginx: shell"] .badge'), /^live$/);
  const note = page.getByRole('tabpanel').locator('.input-held');
  assert.is(await note.count(), 0, 'no note while the program reads');
  await page.evaluate((n) => navigator.clipboard.writeText('x'.repeat(n)), SIZE);
  await chooseInTerminalMenu(page, 'Paste');
  // (how much of the paste the page had sent before it heard, the server holds: a busy machine's page may have sent all of it)
  await waitForText(note, /not reading its input: what you type waits here/);
  const stream = adapter.streams.at(-1)!;
  stream.takeInput();
  await note.waitFor({ state: 'detached' });
  await page.getByRole('tabpanel').locator('.paste-progress').waitFor({ state: 'detached' });
  // the progress goes once the page has put the paste's last frame on its socket: the server takes
  // it a moment later (a page told to hold still had some of it to send after the release)
  const arrived = () => Buffer.concat(stream.written).toString();
  await waitFor(() => arrived().length >= SIZE, 'the whole paste written to the program', PAGE_WAIT_MS);
  const written = arrived();
  assert.is(written.length, SIZE);
  assert.ok(/^x+$/.test(written), 'the paste as pasted');
  assert.equal(b.problems, [], 'no page error, no CSP violation');
});

test.run();

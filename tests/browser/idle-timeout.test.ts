// A short idle timeout in the browser: the terminal ends, an alert names the tab, pod and
// container, the tab says "timed out", the text stays on screen read-only, and Restart brings it
// back (and retires the alert). Two shells of one container are "tools: shell" and "tools: shell
// (2)", on their tabs, close buttons and alerts. Several alerts go at once with "Dismiss all";
// past five, the oldest wait behind "Show N more". The Inspector says "timed out" in words, as
// the tab does.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { alertCards, PAGE_WAIT_MS, startBrowserApp, waitForPrompt, waitForRow, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;

test.before(async () => {
  b = await startBrowserApp({ idleTimeoutSeconds: 2 });
});
test.after(async () => {
  await b?.close();
});

test('an idle terminal times out: alert, timed-out badge, text kept, Restart starts it again', async () => {
  const { page } = b;
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'alpine-tools', exact: true }).click();
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  const badge = page.locator('[role=tab][aria-label="tools: shell"] .badge');
  await waitForText(badge, /^live$/);
  await waitForPrompt(page); // sh's: auto's bash attempt, which this image lacks, is over
  await page.keyboard.type('echo still-$((1+1))\r');
  await waitForRow(page, /^still-2$/);

  const alert = alertCards(page).filter({ hasText: 'idle' });
  await alert.waitFor({ timeout: PAGE_WAIT_MS });
  assert.match(await alert.innerText(), /^tools: shell: The terminal in default\/alpine-tools \(tools\)/, 'named as its tab is');
  await waitForText(badge, /^timed out$/);
  await waitForRow(page, /^still-2$/);
  await waitForRow(page, /\[timed out\]/);
  // read-only: it says so, and keystrokes are not sent (the server would answer "not running")
  assert.ok(await page.getByRole('tabpanel').getByText('read-only').isVisible());
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('zzz');
  await page.getByRole('button', { name: 'Restart' }).click();
  await waitForText(badge, /^live$/);
  // busy from here on (output is activity), or the 2 s timeout could end it on a slow machine
  // before the close below, which then asks nothing
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('while :; do printf .; sleep 1; done\r');
  await waitForRow(page, /restarted \(run 2\)/);
  await waitForRow(page, /^still-2$/);
  const rows = await page.locator('[role=tabpanel] .xterm-rows').innerText();
  assert.not.match(rows, /not running/);
  await alert.waitFor({ state: 'detached' }); // running again, its timeout is over: the restart retired the alert
  // restarted, its shell runs again: closing asks first (close-terminal.tsx)
  await page.getByRole('button', { name: 'Close tools: shell', exact: true }).click();
  await page.getByRole('dialog', { name: 'Close a running terminal?' }).getByRole('button', { name: 'Close terminal' }).click();
  assert.equal(b.problems, [], 'no page error, no CSP violation');
});

test('several alerts go at once with "Dismiss all"', async () => {
  const { page } = b;
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'alpine-tools', exact: true }).click();
  for (let i = 0; i < 2; i++) await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await alertCards(page).filter({ hasText: 'idle' }).nth(1).waitFor({ timeout: PAGE_WAIT_MS });
  // one name twice: the second opened is numbered, and its close button and alert say which
  for (const name of ['tools: shell', 'tools: shell (2)']) {
    await page.getByRole('tab', { name, exact: true }).waitFor();
    assert.is(await page.getByRole('button', { name: `Close ${name}`, exact: true }).count(), 1, `the close button of ${name}`);
  }
  const alertTexts = await alertCards(page).allInnerTexts();
  assert.is(alertTexts.filter((text) => text.startsWith('tools: shell: ')).length, 1, JSON.stringify(alertTexts));
  assert.is(alertTexts.filter((text) => text.startsWith('tools: shell (2): ')).length, 1, JSON.stringify(alertTexts));
  await page.getByRole('button', { name: 'Dismiss all' }).click();
  await alertCards(page).first().waitFor({ state: 'detached' });
  assert.is(await page.getByRole('button', { name: 'Dismiss all' }).count(), 0);
  assert.equal(b.problems, [], 'no page error, no CSP violation');
});

test("the Inspector's replayed session list says a timed-out terminal 'timed out', and why, as its tab does", async () => {
  const { page } = b;
  await page.getByRole('link', { name: 'Inspector', exact: true }).click();
  const events = page.getByRole('list', { name: 'Events, newest first' });
  await waitForText(events, /session\.timedOut/);
  // newest first: after it, both shells of the test before have timed out
  await events.getByRole('button', { name: /session\.timedOut/ }).first().click();
  const replay = page.getByRole('table', { name: 'Session list at the chosen event' });
  await waitForText(replay, /timed out/);
  const states = await replay.locator('tbody td:nth-child(4)').allInnerTexts();
  assert.is(states.length, 2, JSON.stringify(states));
  for (const state of states) assert.match(state, /^timed out No activity for 2 s: the exec was ended/, JSON.stringify(states));
  assert.not.match(await replay.innerText(), /timedOut/);
  assert.equal(b.problems, [], 'no page error, no CSP violation');
});

test('past five alerts the newest five show and "Show 1 more" the sixth; "Dismiss all" takes the hidden one too', async () => {
  const { page } = b;
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'alpine-tools', exact: true }).click();
  // the two timed-out shells of the test before are still tabs: these are the third to the eighth
  for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'Shell', exact: true }).click();
  const more = page.getByRole('button', { name: 'Show 1 more', exact: true });
  await more.waitFor({ timeout: 20_000 });
  const alerts = alertCards(page);
  assert.is(await alerts.count(), 5);
  await more.click();
  const fewer = page.getByRole('button', { name: 'Show the newest 5 only', exact: true });
  assert.is(await fewer.getAttribute('aria-expanded'), 'true');
  const names = (await alerts.allInnerTexts()).map((text) => text.split(': ')[1]).sort();
  assert.equal(names, [3, 4, 5, 6, 7, 8].map((n) => `shell (${n})`), 'every one, named as its tab');
  await fewer.click();
  await more.waitFor();
  await page.getByRole('button', { name: 'Dismiss all' }).click();
  await alerts.first().waitFor({ state: 'detached' });
  assert.is(await alerts.count(), 0, 'none was left behind the button');
  assert.is(await more.count(), 0);
  assert.equal(b.problems, [], 'no page error, no CSP violation');
});

test.run();

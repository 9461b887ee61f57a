// The idle timeout per terminal and its countdown, in a real Chromium against the sandbox: the
// Exec dialog refuses a timeout out of the server's range with a sentence saying the range, a
// terminal run with 20 s shows "ends in N s unless you type" once idle (the server marks a quiet
// terminal idle after 2 s here instead of 60), ticking, on its panel and its badge's title, and
// typing removes it.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { describedAs, startBrowserApp, waitForRow, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;

test.before(async () => {
  b = await startBrowserApp({ idleNoticeSeconds: 2 });
});
test.after(async () => {
  await b?.close();
});

const tabDescription = () => describedAs(b.page.locator('[role=tab][aria-label="tools: shell"]'));

test('a 20 s idle timeout from the Exec dialog counts down when idle, and typing removes the countdown', async () => {
  const { page } = b;
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'alpine-tools', exact: true }).click();
  await page.getByRole('button', { name: 'Exec', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Exec in pod' });
  const field = dialog.getByRole('spinbutton', { name: 'Idle timeout', exact: true });
  const unit = dialog.getByRole('combobox', { name: 'Idle timeout unit' });
  // the server's default (300 s) shows first, in minutes
  assert.is(await field.inputValue(), '5');
  assert.is(await unit.inputValue(), 'min');
  const run = dialog.getByRole('button', { name: 'Run' });
  await unit.selectOption('s');
  await field.fill('0');
  await waitForText(dialog.locator('.error'), /from 1 to 86400 seconds \(1 to 1440 minutes\)/);
  assert.ok(await run.isDisabled(), 'out of range does not run');
  await field.fill('86401');
  assert.ok(await run.isDisabled());
  await field.fill('20');
  await run.click();
  await dialog.waitFor({ state: 'detached' });

  const badge = page.locator('[role=tab][aria-label="tools: shell"] .badge');
  const panel = page.getByRole('tabpanel');
  await waitForRow(page, /^#$/); // sh's prompt
  const countdown = panel.getByRole('timer').filter({ hasText: 'unless you type' });
  await waitForText(countdown, /^ends in \d+ s unless you type$/);
  await waitForText(badge, /^idle$/);
  const first = await countdown.innerText();
  const seconds = Number(/\d+/.exec(first)![0]);
  assert.ok(seconds <= 20 && seconds > 0, `a 20 s timeout leaves at most 20 s: ${first}`);
  // it ticks: the number goes down while nothing happens
  await waitForText(countdown, new RegExp(`^ends in (${Array.from({ length: seconds }, (_, i) => i).join('|')}) s unless you type$`));
  assert.match((await page.locator('.panel-bar .badge').getAttribute('title')) ?? '', /unless you type/);
  assert.match((await badge.getAttribute('title')) ?? '', /unless you type/);
  assert.match(await tabDescription(), /^idle ends in \d+ s unless you type$/, "the tab's description has the countdown: its name hides the badge");
  // a screen reader hears the countdown begin once, from the one live region; the seconds are a timer (not read out)
  const spoken = panel.locator('.panel-announcement[role=status]');
  assert.equal(await spoken.allInnerTexts(), ['No activity: the terminal ends within a minute unless you type.']);

  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('echo typed-$((2+3))\r');
  await countdown.waitFor({ state: 'detached' });
  await waitForText(badge, /^live$/);
  await waitForRow(page, /^typed-5$/);
  assert.not.match((await badge.getAttribute('title')) ?? '', /unless you type/, 'no countdown in the title while live');
  assert.is(await tabDescription(), 'live');
  assert.equal(await spoken.allInnerTexts(), [''], 'live again: nothing to say');
  await page.keyboard.type('exit 3\r');
  await waitForText(spoken, /^The terminal exited 3/); // an exit raises no alert: this is how it is heard
  assert.equal(b.problems, [], 'no page error, no CSP violation');
});

test.run();

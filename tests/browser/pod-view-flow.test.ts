// The "Must show", in a real Chromium against the server and the sandbox cluster: the
// printed URL, a one-click shell, resize, "All containers", exit codes on tabs and the Terminals
// page, closing ("Close all ended" asking first), reload with reattach, permission and
// missing-shell messages, the Inspector, and the embed page. Steps share one server and one page,
// in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Duplex } from 'node:stream';
import type { Page } from 'playwright-core';
import { focusGoesTo } from './focus-checks.ts';
import { alertCards, screenRows, screenshot, startBrowserApp, waitForPrompt, waitForRow, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;
const upgraded: Duplex[] = [];

test.before(async () => {
  b = await startBrowserApp();
  page = b.page;
  // the test's own handle on every socket the page opens, to cut them
  b.app.server.on('upgrade', (_req, socket) => upgraded.push(socket));
});
test.after(async () => {
  await b?.close();
});

const tab = (name: string) => page.getByRole('tab', { name, exact: true });
const badgeOf = (name: string) => page.locator(`[role=tab][aria-label="${name}"] .badge`);
const panel = () => page.getByRole('tabpanel');

async function execDialog(options: { container?: string; shell?: string; command?: string; interactive?: boolean }) {
  await page.getByRole('button', { name: 'Exec', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Exec in pod' });
  await dialog.waitFor();
  if (options.container) await dialog.getByRole('combobox', { name: 'Container', exact: true }).selectOption({ label: options.container });
  if (options.shell) await dialog.getByRole('combobox', { name: 'Shell', exact: true }).selectOption({ label: options.shell });
  if (options.command) await dialog.getByRole('textbox', { name: 'Command', exact: true }).fill(options.command);
  if (options.interactive === false) await dialog.getByRole('checkbox', { name: 'Interactive', exact: true }).uncheck();
  return dialog;
}

test('the printed URL signs in, drops the token from the address bar and lists the pods', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).waitFor();
  assert.not.match(page.url(), /token/);
  for (const name of ['Pods', 'Terminals', 'Inspector']) assert.ok(await page.getByRole('link', { name, exact: true }).isVisible(), `${name} link`);
  for (const pod of ['alpine-tools', 'distroless-app', 'crashloop']) assert.ok(await page.getByRole('link', { name: pod, exact: true }).isVisible(), pod);
  // the status as kubectl says it, not the phase: a crash-looping pod is in phase Running
  const status = async (pod: string) => {
    const cell = page.locator('tbody tr', { has: page.getByRole('link', { name: pod, exact: true }) }).locator('.phase');
    await waitForText(cell, /\S/);
    return [await cell.innerText(), await cell.getAttribute('class'), await cell.getAttribute('title')];
  };
  assert.equal(await status('web'), ['Running', 'phase phase-ok', 'phase Running']);
  assert.equal(await status('crashloop'), ['CrashLoopBackOff', 'phase phase-bad', 'phase Running']);
  assert.is(await page.getByText('not isolated').count(), 0, 'the sandbox isolates its containers: no warning banner');
});

test('Shell opens bash in the default container, in view; typed input runs and 42 comes back', async () => {
  await page.setViewportSize({ width: 1280, height: 600 }); // a laptop's window, where the pod's view fills most of it
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(badgeOf('nginx: shell'), /^live$/);
  assert.is(await tab('nginx: shell').getAttribute('aria-selected'), 'true');
  await page.keyboard.type('echo $((6*7))\r');
  await waitForRow(page, /^42$/);
  // the whole screen is in view, its prompt line included, whatever the pod's view put above it
  const area = await page.locator('[role=tabpanel] .terminal-area').evaluate((el) => ({ top: el.getBoundingClientRect().top, bottom: el.getBoundingClientRect().bottom, height: window.innerHeight }));
  assert.ok(area.top >= 0 && area.bottom <= area.height + 1, `the terminal at ${Math.round(area.top)}–${Math.round(area.bottom)} in a window ${area.height} high`);
  await page.setViewportSize({ width: 1280, height: 860 });
});

test('resizing the window resizes the terminal: stty size changes', async () => {
  const sizeRe = /^size=(\d+) (\d+)$/;
  const lastSize = async () => (await screenRows(panel())).filter((row) => sizeRe.test(row)).at(-1);
  await page.keyboard.type('echo size=$(stty size)\r');
  await waitForRow(page, sizeRe);
  const before = (await lastSize())!;
  const rowsBefore = await panel().locator('.xterm-rows > div').count();
  await page.setViewportSize({ width: 900, height: 640 });
  await page.waitForFunction((n) => document.querySelectorAll('[role=tabpanel] .xterm-rows > div').length !== n, rowsBefore);
  await page.keyboard.type('echo size=$(stty size)\r');
  await waitForRow(page, new RegExp(`^(?!${before}$)size=\\d+ \\d+$`));
  const after = (await lastSize())!;
  const [, r0, c0] = sizeRe.exec(before)!.map(Number);
  const [, r1, c1] = sizeRe.exec(after)!.map(Number);
  assert.ok(r1 < r0 && c1 < c0, `stty size went from ${before} to ${after}`);
  const rows = await panel().locator('.xterm-rows > div').count();
  assert.is(r1, rows, 'the shell has as many rows as the screen shows');
  await page.setViewportSize({ width: 1280, height: 860 });
});

test('the Exec dialog: not-running containers cannot be chosen, Escape cancels', async () => {
  await page.getByRole('link', { name: 'Pods', exact: true }).click();
  await page.getByRole('link', { name: 'crashloop', exact: true }).click();
  const dialog = await execDialog({});
  const options = await dialog.getByRole('combobox', { name: 'Container', exact: true }).locator('option').evaluateAll((els) => els.map((o) => ({ text: (o as HTMLOptionElement).text, disabled: (o as HTMLOptionElement).disabled })));
  assert.ok(options.length >= 2 && options.every((o) => o.disabled), JSON.stringify(options));
  assert.ok(options.some((o) => /not running \(waiting: /.test(o.text)), JSON.stringify(options));
  assert.ok(await dialog.getByRole('button', { name: 'Run' }).isDisabled());
  // none runs: said in one sentence, with no "All containers" of none chosen for the person
  const said = await dialog.innerText();
  assert.match(said, /No container of this pod is running\./);
  assert.not.match(said, /One terminal in each running container/);
  assert.match(await dialog.getByRole('combobox', { name: 'Container', exact: true }).evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.text ?? ''), /^app \(default\) — not running/);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await page.goBack();
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await waitForText(badgeOf('nginx: shell'), /^live$/);
  const again = await execDialog({ command: 'echo "two words" three' });
  await waitForText(again.locator('#exec-command-argv'), /\["echo", "two words", "three"\]/);
  await screenshot(page, 'exec-dialog');
  await page.keyboard.press('Escape');
  await again.waitFor({ state: 'detached' });
});

test('Exec with "All containers" and a non-interactive hostname opens one tab per container, each exited 0', async () => {
  const dialog = await execDialog({ container: 'All containers', command: 'hostname', interactive: false });
  await waitForText(dialog.locator('#exec-command-argv'), /\["hostname"\]/);
  await dialog.getByRole('textbox', { name: 'Command', exact: true }).press('Enter');
  await dialog.waitFor({ state: 'detached' });
  for (const name of ['sidecar: hostname', 'nginx: hostname']) await waitForText(badgeOf(name), /^exited 0$/);
  await tab('sidecar: hostname').click();
  await waitForRow(page, /^web$/);
  await screenshot(page, 'pod-view', true);
});

test('a command with quotes runs as argv; exit 42 shows on the tab and on the Terminals page', async () => {
  const dialog = await execDialog({ command: `sh -c 'exit 42'` });
  await waitForText(dialog.locator('#exec-command-argv'), /\["sh", "-c", "exit 42"\]/);
  await dialog.getByRole('button', { name: 'Run' }).click();
  await waitForText(badgeOf("nginx: sh -c 'exit 42'"), /^exited 42$/);
  await page.getByRole('link', { name: 'Terminals', exact: true }).click();
  const row = page.locator('tbody tr', { hasText: "sh -c 'exit 42'" });
  await waitForText(row, /exited 42/);
  assert.is((await row.locator('td').nth(6).innerText()).trim(), '42');
  assert.is(await page.locator('tbody tr').count(), 4);
  await screenshot(page, 'terminals', true);
});

test('closing a tab ends it and it leaves the Terminals page', async () => {
  await page.locator('tbody tr', { hasText: "sh -c 'exit 42'" }).getByRole('button', { name: 'Open' }).click();
  await tab("nginx: sh -c 'exit 42'").waitFor();
  assert.is(await tab("nginx: sh -c 'exit 42'").getAttribute('aria-selected'), 'true');
  await page.getByRole('button', { name: "Close nginx: sh -c 'exit 42'", exact: true }).click();
  await tab("nginx: sh -c 'exit 42'").waitFor({ state: 'detached' });
  await page.getByRole('link', { name: 'Terminals', exact: true }).click();
  await page.locator('tbody tr').nth(2).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 3);
  assert.is(await page.locator('tbody tr', { hasText: 'exit 42' }).count(), 0);
});

test('"Close all ended" asks first, naming how many: Escape and Cancel leave them, its button closes the two ended ones', async () => {
  const closeAll = page.getByRole('button', { name: 'Close all ended' });
  const question = page.getByRole('dialog', { name: 'Close 2 ended terminals?' });
  for (const how of ['Escape', 'Cancel'] as const) {
    await closeAll.click();
    await question.waitFor();
    if (how === 'Escape') await page.keyboard.press('Escape');
    else await question.getByRole('button', { name: 'Cancel', exact: true }).click();
    await question.waitFor({ state: 'detached' });
    assert.is(await page.locator('tbody tr').count(), 3, `${how} closes nothing`);
  }
  await closeAll.click();
  await question.getByRole('button', { name: 'Close 2 ended terminals', exact: true }).click();
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
  assert.match(await page.locator('tbody tr').innerText(), /nginx/);
  // nothing ended is left: the button says so, and keeps the focus the dialog gave back (a disabled one would drop it to <body>)
  assert.is(await closeAll.getAttribute('aria-disabled'), 'true');
  // the dialog gives it back as it goes, after the next frame: the rows leave at the server's pace,
  // which may be sooner
  assert.is(await focusGoesTo(page, closeAll), true, 'the focus stays on "Close all ended"');
  await closeAll.click({ force: true }); // playwright will not click what says it is disabled; a person can
  // any <dialog>, open or not: a question is drawn by the click, but opens (showModal) only after the
  // next frame, and the role of one not yet open is hidden, so counting dialogs by role found none
  // even when the click asked
  assert.is(await page.locator('dialog').count(), 0, 'it asks nothing while nothing has ended');
});

test('a reload keeps the pod, the tab and the live terminal with its output', async () => {
  await page.locator('tbody tr').getByRole('button', { name: 'Open' }).click();
  await waitForText(badgeOf('nginx: shell'), /^live$/);
  await page.keyboard.type('echo before-$((40+2))\r');
  await waitForRow(page, /^before-42$/);
  const url = page.url();
  await page.reload();
  assert.is(page.url(), url);
  await waitForText(badgeOf('nginx: shell'), /^live$/);
  assert.is(await tab('nginx: shell').getAttribute('aria-selected'), 'true');
  await waitForRow(page, /^before-42$/);
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('echo after-$((40+3))\r');
  await waitForRow(page, /^after-43$/);
});

test('a dropped socket reconnects and reattaches from where it stopped: nothing lost, nothing twice', async () => {
  await page.keyboard.type('echo pre-drop-$((1+1))\r');
  await waitForRow(page, /^pre-drop-2$/);
  for (const socket of upgraded.splice(0)) socket.destroy();
  await page.keyboard.type('echo post-drop-$((2+2))\r'); // typed while reconnecting: dropped, or sent on the new socket
  await page.getByRole('status').filter({ hasText: 'reconnecting' }).waitFor({ state: 'detached' });
  await waitForText(badgeOf('nginx: shell'), /^live$/);
  // the badge is the session's state; the new socket's reattach may still be on its way, and
  // keys typed before it lands are dropped like those typed while reconnecting: type again
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.type('\recho back-$((3+3))\r');
    try {
      await waitForRow(page, /^back-6$/, 5_000);
      break;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
  const rows = await screenRows(panel());
  assert.is(rows.filter((row) => row === 'pre-drop-2').length, 1, 'output before the drop is shown once');
  assert.ok(upgraded.length >= 1, 'a new socket was opened');
});

test('Tab and Escape go to the program; Ctrl+Shift+L leaves the terminal for its tab, and Tab goes on from there', async () => {
  await page.locator('[role=tabpanel] .xterm').click();
  const inTerminal = () => page.evaluate(() => document.activeElement?.classList.contains('xterm-helper-textarea') === true);
  // cat -A shows what reached it: a Tab as ^I, an Escape as ^[. The keys wait for the echo before
  // it: until bash has read its line it keeps the terminal raw, and an Enter typed then stays a CR
  // that cat's cooked terminal never ends a line on (a busy machine made that race real)
  await page.keyboard.type('echo cat-$((4*2)); cat -A\r');
  await waitForRow(page, /^cat-8$/);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Enter');
  await waitForRow(page, /^\^I\^\[\$$/);
  assert.ok(await inTerminal(), 'still in the terminal');
  assert.is(await page.evaluate(() => document.activeElement?.getAttribute('aria-description')), 'Ctrl+Shift+L leaves the terminal. Settings has screen reader support for its output.', 'the way out, told');
  await page.keyboard.press('Control+D');
  await page.keyboard.press('Control+Shift+L');
  const selectedTab = page.locator('[role=tab][aria-selected=true]');
  assert.ok(await selectedTab.evaluate((el) => el === document.activeElement), "the focus is on the terminal's tab");
  await page.keyboard.press('Tab');
  assert.not.ok((await inTerminal()) || (await selectedTab.evaluate((el) => el === document.activeElement)), 'Tab moves on from the tab');
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('echo left-$((6*7))\r');
  await waitForRow(page, /^left-42$/);
});

test('Ctrl+Shift+F searches the scrollback ("no match" a status) and Save transcript saves it, told apart from Download…', async () => {
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.press('Control+Shift+F');
  const field = page.getByRole('searchbox', { name: 'Find in terminal' });
  await field.waitFor();
  // it takes the focus in an effect, after the frame that draws it
  assert.is(await focusGoesTo(page, field), true, 'the search field has the focus');
  // "no match" is a status, which a screen reader says as it comes
  const noMatch = page.getByRole('status').filter({ hasText: /^no match$/ });
  await field.fill('before-42');
  assert.is(await noMatch.count(), 0);
  await field.fill('never-printed-anywhere');
  await noMatch.waitFor();
  await field.press('Escape');
  await field.waitFor({ state: 'detached' });
  // one button named Download (files from the container): the transcript's is told apart
  assert.is(await page.getByRole('tabpanel').getByRole('button', { name: /download/i }).count(), 1);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save transcript', exact: true }).click()]);
  assert.match(download.suggestedFilename(), /^web-nginx-t1\.txt$/);
  const path = await download.path();
  const text = (await import('node:fs')).readFileSync(path!, 'utf8');
  assert.match(text, /^before-42$/m);
  assert.match(text, /^after-43$/m);
});

test('flow control: `yes` streams without unbounded buffering, acks keep it moving, Ctrl+C answers without drawing the flood first', async () => {
  const { highWatermark } = b.app.hub.options;
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('yes\r');
  await page.waitForFunction(() => [...document.querySelectorAll('[role=tabpanel] .xterm-rows > div')].filter((r) => r.textContent === 'y').length > 10);
  // the server sends on only what this page acknowledged from xterm's write callbacks: sample
  // every frame until a good half megabyte has gone through and the page has lagged and been
  // caught up with the screen at least once (on a busy machine `yes` can be slow enough for the
  // page to keep up for a while, and then Ctrl+C would have no flood to skip)
  const seen: number[] = [];
  let end = 0;
  let catchUps = 0;
  const deadline = Date.now() + 20_000;
  // A page is skipped to the screen only once it is a whole scrollback (1 MiB) behind. With the
  // cores busy the server and `yes` slow down too, and a page drawing as fast as they send never
  // was: 16.9 MB of yes in 20 s, caught up 0 times (two cores loaded). So the page's own CPU is
  // slowed (Chromium's throttling, a slow laptop's page) while the flood runs, until it has lagged.
  const cdp = await b.context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 8 });
  try {
    while (end < 512 * 1024 || catchUps === 0) {
      assert.ok(Date.now() < deadline, `in 20 s yes produced ${end} bytes and the page was caught up ${catchUps} times (wanted 512 KiB and once)`);
      const stats = b.app.hub.stats('t1')!;
      seen.push(...stats.viewers);
      end = stats.end;
      catchUps = stats.catchUps;
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    }
  } finally {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await cdp.detach();
  }
  // docs/api.md: per viewer, the watermark plus what was in flight when the pause took effect
  // (tests/server/flow-control.test.ts allows 2 MiB of that; under Node it is ~200 KiB)
  assert.ok(Math.max(...seen) <= highWatermark + 2 * 1024 * 1024, `unacknowledged bytes stayed bounded (max ${Math.max(...seen)})`);
  const started = Date.now();
  await page.keyboard.press('Control+C');
  await page.keyboard.type('echo done-$((5+5))\r');
  // the terminal lagging under `yes` is caught up with its screen, never drawing what was on its way (bench figure 8 times it)
  await waitForRow(page, /^done-10$/, 30_000);
  console.log(`    Ctrl+C to the next prompt's output: ${Date.now() - started} ms, after ${(end / 1024 / 1024).toFixed(1)} MiB of yes`);
  assert.is(b.app.hub.stats('t1')!.paused, false);
  // a catch-up is nothing to alarm anyone: the tab stays live, and no note of lost output is written
  assert.is((await badgeOf('nginx: shell').innerText()).trim(), 'live');
  assert.not.match((await screenRows(panel())).join('\n'), /no longer kept|skipped/);
});

test('exec in restricted/secret-db says which permission is missing', async () => {
  await page.getByRole('combobox', { name: 'Namespace', exact: true }).selectOption('restricted');
  await page.getByRole('link', { name: 'secret-db', exact: true }).click();
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  const name = (await page.getByRole('tab').first().getAttribute('aria-label'))!;
  await waitForText(badgeOf(name), /^failed$/);
  const message = page.locator('.panel-message');
  await waitForText(message, /create/);
  assert.match(await message.innerText(), /pods\/exec/);
  const alert = alertCards(page).filter({ hasText: 'restricted/secret-db' });
  await alert.waitFor();
  assert.match(await alert.innerText(), /could not start/);
});

test('bash in distroless-app fails saying bash is missing (no Debug offer: one shell says nothing of the image); Shell (auto) says which shells were tried and offers Debug', async () => {
  await page.getByRole('combobox', { name: 'Namespace', exact: true }).selectOption('default');
  await page.getByRole('link', { name: 'distroless-app', exact: true }).click();
  await page.getByRole('heading', { name: 'distroless-app' }).waitFor();
  const dialog = await execDialog({ shell: 'bash' });
  await dialog.getByRole('button', { name: 'Run' }).click();
  const name = (await page.getByRole('tab').first().getAttribute('aria-label'))!;
  assert.match(name, /: bash$/);
  await waitForText(badgeOf(name), /^failed$/);
  await waitForText(page.locator('.panel-message'), /bash is not installed/);
  await waitForRow(page, /bash is not installed/);
  // one shell missing says nothing of the image: only "auto", which tried them all, offers Debug
  assert.is(await panel().getByText('No shell in this image.').count(), 0, 'no "no shell" claim for a chosen shell');

  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  const auto = `${name.split(':')[0]}: shell`;
  await waitForText(badgeOf(auto), /^failed$/);
  assert.is(await tab(auto).getAttribute('aria-selected'), 'true');
  await waitForText(page.locator('.panel-message'), /tried bash, sh/);
  await panel().getByRole('button', { name: 'Debug with busybox:1.36', exact: true }).waitFor();
});

test('an alert jumps to its terminal and can be dismissed', async () => {
  const alert = alertCards(page).filter({ hasText: 'restricted/secret-db' });
  await alert.getByRole('button', { name: 'Show terminal' }).click();
  await page.getByRole('heading', { name: 'secret-db' }).waitFor();
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await alert.waitFor({ state: 'detached' });
});

test('the pod list is live: a deleted pod leaves it, and its terminal is disconnected with an alert', async () => {
  await page.getByRole('combobox', { name: 'Namespace', exact: true }).selectOption('batch');
  await page.getByRole('link', { name: 'worker-2', exact: true }).click();
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  const name = (await page.getByRole('tab').first().getAttribute('aria-label'))!;
  await waitForText(badgeOf(name), /^live$/);
  await page.getByRole('link', { name: 'All pods' }).click();
  await page.getByRole('link', { name: 'worker-2', exact: true }).waitFor();
  assert.ok(b.app.sandbox!.deletePod('batch', 'worker-2'));
  await page.getByRole('link', { name: 'worker-2', exact: true }).waitFor({ state: 'detached' });
  assert.ok(await page.getByRole('link', { name: 'worker-1', exact: true }).isVisible());
  const alert = alertCards(page).filter({ hasText: 'batch/worker-2' });
  await waitForText(alert, /pod was deleted/);
  await alert.getByRole('button', { name: 'Show terminal' }).click();
  await waitForText(badgeOf(name), /^disconnected$/);
  await waitForText(page.locator('.panel-message'), /deleted/);
});

test('the Inspector lists the events of these sessions, newest first, and replays the session list', async () => {
  await page.getByRole('link', { name: 'Inspector', exact: true }).click();
  const events = page.getByRole('list', { name: 'Events, newest first' });
  await waitForText(events, /session\.failed/);
  const text = await events.innerText();
  for (const type of ['exec.requested', 'session.spawned', 'session.connected', 'session.exited', 'session.closed', 'session.resized', 'session.failed']) assert.ok(text.includes(type), type);
  const seqs = await events.locator('.seq').allInnerTexts();
  const numbers = seqs.map((s) => Number(s.slice(1)));
  assert.equal(numbers, [...numbers].sort((x, y) => y - x), 'newest first');
  // filter by the first shell's session
  await page.getByRole('combobox', { name: 'Session', exact: true }).selectOption('t1');
  await page.waitForFunction(() => [...document.querySelectorAll('ol.events .sid')].every((el) => el.textContent === 't1'));
  // the session list as it was when t1 had just been spawned
  await events.getByRole('button', { name: /session\.spawned/ }).click();
  const replay = page.getByRole('table', { name: 'Session list at the chosen event' });
  await waitForText(replay, /t1/);
  assert.match(await replay.innerText(), /connecting/);
  await page.getByText('Live actors').waitFor();
  await waitForText(page.locator('.actors'), /supervisor/);
  await waitForText(page.locator('.actors'), /t1: \{"running":\{"live":"interactive"\}\}/);
  // every alert can be dismissed; the screenshot shows the Inspector alone
  while ((await alertCards(page).count()) > 0) await alertCards(page).first().getByRole('button', { name: 'Dismiss' }).click();
  await page.getByRole('combobox', { name: 'Session', exact: true }).selectOption({ label: 'All sessions' });
  await page.waitForFunction(() => new Set([...document.querySelectorAll('ol.events .sid')].map((el) => el.textContent)).size > 1);
  assert.ok(await page.getByRole('table', { name: 'Session list at the chosen event' }).isVisible(), 'the chosen event stays chosen');
  await screenshot(page, 'inspector', true);
});

test("the event log is one Tab stop (the chosen event), and the next Tab leaves it; the arrow keys, Home and End move along it, as on the tab bar", async () => {
  const buttons = page.getByRole('list', { name: 'Events, newest first' }).getByRole('button');
  const count = await buttons.count();
  assert.ok(count > 3, `the log has events (${count})`);
  const focusedAt = () => buttons.evaluateAll((all) => all.indexOf(document.activeElement as HTMLElement));
  const chosenAt = await buttons.evaluateAll((all) => all.findIndex((button) => button.getAttribute('aria-pressed') === 'true'));
  assert.ok(chosenAt > 0, 'an event down the log is chosen');
  await page.getByRole('combobox', { name: 'Session', exact: true }).focus();
  await page.keyboard.press('Tab');
  assert.is(await focusedAt(), chosenAt, 'Tab reaches the chosen event');
  await page.keyboard.press('Tab');
  assert.is(await focusedAt(), -1, 'the next Tab leaves the log');
  await page.keyboard.press('Shift+Tab');
  assert.is(await focusedAt(), chosenAt, 'Shift+Tab comes back to it');
  for (const [key, at] of [['End', count - 1], ['ArrowUp', count - 2], ['Home', 0], ['ArrowDown', 1]] as const) {
    await page.keyboard.press(key);
    assert.is(await focusedAt(), at, key);
  }
  assert.is.not(chosenAt, 1, 'the second event is not the chosen one');
  await page.keyboard.press('Enter');
  assert.is(await buttons.nth(1).getAttribute('aria-pressed'), 'true', 'Enter chooses the event the keys moved to');
});

test('the embed page shows the pod view alone and opens a shell with mode=shell', async () => {
  await page.goto(`${b.app.url}embed?namespace=default&pod=alpine-tools&mode=shell`);
  await waitForText(badgeOf('tools: shell'), /^live$/);
  assert.is(await page.getByRole('link', { name: 'Pods', exact: true }).count(), 0);
  await waitForPrompt(page); // sh's: auto's bash attempt, which this image lacks, is over
  await page.keyboard.type('echo embedded\r');
  await waitForRow(page, /^embedded$/);
  // a reload does not open a second shell
  await page.reload();
  await waitForRow(page, /^embedded$/);
  assert.is(await page.getByRole('tab').count(), 1);
  // shell-all opens what is missing: web has a live shell in nginx already, so only sidecar
  await page.goto(`${b.app.url}embed?namespace=default&pod=web&mode=shell-all`);
  await waitForText(badgeOf('sidecar: shell'), /^live$/);
  assert.is(await page.getByRole('tab', { name: 'nginx: shell', exact: true }).count(), 1);
});

test('no page error and no Content-Security-Policy violation happened on the way', () => {
  assert.equal(b.problems, []);
});

test.run();

// Debug, Attach and Debug copy in a real Chromium against the server and the sandbox: a shell-less
// container's failed Shell offers Debug, whose tab is a busybox shell seeing the target's files;
// Attach appears only for a container whose spec has stdin and reaches its main process; Debug
// copy of a crash-looping pod opens a shell in a copy the tab calls a COPY, deleted on close. A
// debug container's row claims no readiness; a crash-looping pod's advice names only Debug copy.
// The panel bar and the Terminals page name an attach, a debug and a copy terminal as their tabs do.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { PAGE_WAIT_MS, screenshot, startBrowserApp, waitForPrompt, waitForRow, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;

test.before(async () => {
  b = await startBrowserApp();
  page = b.page;
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).waitFor();
});
test.after(async () => {
  await b?.close();
});

const tab = (name: string) => page.getByRole('tab', { name, exact: true });
const badgeOf = (name: string) => page.locator(`[role=tab][aria-label="${name}"] .badge`);
const openPod = async (name: string) => {
  // on a pod's page, back to the list (the list itself has no such link: waiting for one would take the page's whole timeout)
  const allPods = page.getByRole('link', { name: 'All pods', exact: true });
  if (await allPods.count()) await allPods.click();
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { name, exact: true }).waitFor();
};
const closeTab = (name: string) => page.locator(`[role=tab][aria-label="${name}"] + .tab-close`).click();
/** The pods of default as the server's API has them (not the page's list). */
const podNames = async (): Promise<string[]> => {
  const res = await fetch(`${b.app.url}api/v1/namespaces/default/pods`, { headers: { Authorization: `Bearer ${b.app.token}` } });
  return ((await res.json()) as { pods: { name: string }[] }).pods.map((p) => p.name);
};

test('a failed auto shell in distroless-app offers Debug; its tab is a busybox shell that sees the app through /proc/1/root', async () => {
  await openPod('distroless-app');
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(badgeOf('app: shell'), /^failed$/);
  await page.getByRole('button', { name: 'Debug with busybox:1.36', exact: true }).click();
  const name = 'app: Debug busybox:1.36 → app';
  await waitForText(badgeOf(name), /^live$/, 30_000);
  assert.is(await tab(name).getAttribute('aria-selected'), 'true');
  await waitForText(page.getByTestId('debug-note'), /Debug container debugger-[a-z0-9]{5} \(busybox:1\.36\)/);
  await page.keyboard.type('grep -h PRETTY /proc/1/root/etc/os-release\r');
  await waitForRow(page, /^PRETTY_NAME="gcr\.io\/distroless\/static:nonroot/);
  await screenshot(page, 'debug-container');
});

test('the Debug button on a container row opens another debug tab in the same debug container', async () => {
  const first = await page.getByTestId('debug-note').innerText();
  await page.getByRole('button', { name: 'Debug app', exact: true }).click();
  // the second tab of that name is told apart by its number
  await tab('app: Debug busybox:1.36 → app (2)').click();
  await waitForText(page.getByTestId('debug-note'), new RegExp(first.match(/debugger-[a-z0-9]{5}/)![0]), 30_000);
});

test("a running debug container's row claims no readiness: Kubernetes has none for debug containers", async () => {
  const row = page.getByRole('table', { name: 'Containers' }).locator('tbody tr').filter({ has: page.locator('.tag', { hasText: /^debug$/ }) });
  const cells = row.locator('td');
  assert.match(await cells.nth(0).innerText(), /^debugger-[a-z0-9]{5}/);
  await waitForText(cells.nth(1), /^running$/);
  const ready = cells.nth(2);
  assert.is((await ready.innerText()).trim(), 'n/a');
  assert.match((await ready.locator('[title]').getAttribute('title')) ?? '', /no readiness/);
  // the container it debugs keeps its own
  assert.is((await page.getByRole('table', { name: 'Containers' }).locator('tbody tr').filter({ hasText: /^app/ }).locator('td').nth(2).innerText()).trim(), 'yes');
});

test('Attach is offered only where the spec has stdin; it reaches the main process, and closing the tab leaves it running', async () => {
  await openPod('web');
  assert.is(await page.getByRole('button', { name: /^Attach to / }).count(), 0, 'web has no container with stdin');
  await openPod('console');
  await page.getByRole('button', { name: 'Attach to console', exact: true }).click();
  await waitForText(badgeOf('console: Attach'), /^live$/);
  await page.keyboard.type('echo attached-$((6*7))\r');
  await waitForRow(page, /^attached-42$/);
  await closeTab('console: Attach');
  await tab('console: Attach').waitFor({ state: 'detached' });
  // still there: a second attach reaches the same shell, whose history has the first command
  await page.getByRole('button', { name: 'Attach to console', exact: true }).click();
  await waitForText(badgeOf('console: Attach'), /^live$/);
  await page.keyboard.type('echo again-$((6*7))\r');
  await waitForRow(page, /^again-42$/);
});

test('the panel bar and the Terminals page say what the tabs say: an attach to the main process, a shell in a debug container', async () => {
  assert.is(await page.getByRole('tabpanel').locator('.panel-bar .argv').innerText(), 'Attach to the main process');
  await page.getByRole('link', { name: 'Terminals', exact: true }).click();
  const commands = await page.getByRole('table', { name: 'Terminals' }).locator('tbody td:nth-child(3)').allInnerTexts();
  assert.is(commands.filter((text) => text === 'Attach to the main process').length, 1, commands.join(' | '));
  assert.is(commands.filter((text) => text === 'Debug busybox:1.36 → app: sh').length, 2, commands.join(' | '));
  await page.locator('tbody tr', { hasText: 'Attach to the main process' }).getByRole('button', { name: 'Open' }).click();
  await page.getByRole('heading', { name: 'console', exact: true }).waitFor();
});

test('a crash-looping pod: Shell is off, and the advice names only the way in that works (Debug copy), not Shell or Exec', async () => {
  await openPod('crashloop');
  assert.ok(await page.getByRole('button', { name: 'Shell', exact: true }).isDisabled());
  assert.is(await page.locator('.pod-head .phase').innerText(), 'CrashLoopBackOff', "the pod's status beside its name, not its phase (Running)");
  // the advice follows the pod's state, which comes after its heading: waited for (CI58 read it before)
  await waitForText(page.locator('.empty-terminals'), /: use Debug copy\.$/);
  assert.is(await page.locator('.empty-terminals').innerText(), 'No terminals in this pod yet: use Debug copy.');
  const hint = await page.locator('.hint').innerText();
  assert.is(hint, 'The default container app is waiting: CrashLoopBackOff: Shell is off; use Debug copy for a shell in a copy of this pod.');
});

test('Debug copy of crashloop: a shell in a copy, the tab says COPY of crashloop, and closing it deletes the copy', async () => {
  await openPod('web');
  assert.is(await page.getByRole('button', { name: 'Debug copy', exact: true }).count(), 0, 'a running pod needs no copy');
  await openPod('crashloop');
  await page.getByRole('button', { name: 'Debug copy', exact: true }).click();
  const name = 'app: COPY of crashloop: shell';
  await waitForText(badgeOf(name), /^live$/, 30_000);
  await waitForText(page.getByTestId('copy-note'), /This is a COPY of pod crashloop \(pod crashloop-debug-[a-z0-9]{5}/);
  assert.match(await page.getByRole('tabpanel').locator('.panel-bar .argv').innerText(), /^COPY of crashloop: (ba)?sh$/);
  const copy = (await page.getByTestId('copy-note').innerText()).match(/crashloop-debug-[a-z0-9]{5}/)![0];
  await waitForPrompt(page); // a new shell: keys typed before its prompt would put the output on the prompt's row (support.ts)
  await page.keyboard.type('cat /etc/hostname\r');
  await waitForRow(page, new RegExp(`^${copy}$`));
  assert.ok((await podNames()).includes(copy));
  await screenshot(page, 'debug-copy');
  await closeTab(name);
  // its shell still runs: closing asks first (close-terminal.tsx)
  await page.getByRole('dialog', { name: 'Close a running terminal?' }).getByRole('button', { name: 'Close terminal' }).click();
  await tab(name).waitFor({ state: 'detached' });
  await page.waitForFunction(async (url) => !((await (await fetch(url)).json()) as { pods: { name: string }[] }).pods.some((p) => p.name.startsWith('crashloop-debug-')), `${b.app.url}api/v1/namespaces/default/pods`, { timeout: PAGE_WAIT_MS });
  assert.not.ok((await podNames()).includes(copy));
});

test('nothing went wrong in the page', () => {
  assert.equal(b.problems, []);
});

test.run();

// The page's side of team mode in a real Chromium, against today's server in local mode with the
// team-mode answers put in by the test (Playwright's request and WebSocket routing): /info says
// carol (an admin) is signed in, /permissions says no exec in `default`, and the socket names
// alice as the owner of every terminal. It proves what the page does with those answers: who is
// signed in, Shell/Exec/Run in all containers off with the cluster's reason, someone else's
// terminal watched (nothing typed or resized is sent, a readOnly error is a sentence), the Audit
// page with its filters and JSON Lines export, and sign-out. The same flows through the real
// sign-in modes and a real second person belong to the server's team-mode browser tests.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import type { Page, WebSocketRoute } from 'playwright-core';
import { decodeFrame, FrameKind, type PermissionsReply, type ServerInfo, type SignedIn } from '../../src/protocol/index.ts';
import { screenshot, startBrowserApp, waitForRow, waitForText, type BrowserApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

const carol: SignedIn = { mode: 'oidc', user: 'carol', groups: ['octant-admins', 'dev'], admin: true, signOut: '/test/sign-out' };
const alice = { user: 'alice', groups: ['dev'] };
const DENIED = 'RBAC: carol may not create pods/exec in namespace default';

let b: BrowserApp;
let page: Page;
let toPage: WebSocketRoute | undefined;
const asked: string[] = [];
const signOuts: { method: string; body: string | null }[] = [];
/** what the page sent on its socket: input frames by session, and JSON control messages */
const sent: { input: string[]; control: { type: string; [key: string]: unknown }[] } = { input: [], control: [] };

/** Every session row the server sends is alice's. */
function asAlices(text: string): string {
  const message = JSON.parse(text) as { type: string; sessions?: object[]; session?: object };
  if (message.sessions) message.sessions = message.sessions.map((row) => ({ ...row, person: alice }));
  if (message.session) message.session = { ...message.session, person: alice };
  return JSON.stringify(message);
}

test.before(async () => {
  b = await startBrowserApp();
  page = b.page;
  await page.route('**/api/v1/info', async (route) => {
    const real = (await (await route.fetch()).json()) as ServerInfo;
    await route.fulfill({ json: { ...real, signedIn: carol } satisfies ServerInfo });
  });
  await page.route('**/api/v1/permissions?*', async (route) => {
    const namespace = new URL(route.request().url()).searchParams.get('namespace') ?? '';
    asked.push(namespace);
    const reply: PermissionsReply = { namespace, exec: namespace === 'default' ? { allowed: false, reason: DENIED } : { allowed: true, reason: '' } };
    await route.fulfill({ json: reply });
  });
  await page.route('**/test/sign-out', async (route) => {
    signOuts.push({ method: route.request().method(), body: route.request().postData() });
    await route.fulfill({ json: {} });
  });
  await page.routeWebSocket('**/api/v1/stream', (ws) => {
    toPage = ws;
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      if (typeof message === 'string') sent.control.push(JSON.parse(message));
      else {
        const frame = decodeFrame(new Uint8Array(message));
        if (typeof frame !== 'string' && frame.kind === FrameKind.Input) sent.input.push(frame.sessionId);
      }
      server.send(message);
    });
    server.onMessage((message) => ws.send(typeof message === 'string' ? asAlices(message) : message));
  });
});
test.after(async () => {
  await b?.close();
});

const runButton = () => page.getByRole('button', { name: 'Run in all containers', exact: true });

test('the top bar shows who is signed in, their groups on hover, the admin badge, Audit and Sign out', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).waitFor();
  const box = page.getByRole('group', { name: 'Signed in' });
  assert.is(await box.getByTestId('signed-in-user').innerText(), 'carol');
  assert.match((await box.locator('[title]').first().getAttribute('title')) ?? '', /octant-admins, dev/);
  assert.ok(await box.getByTestId('admin-badge').isVisible());
  assert.ok(await box.getByRole('button', { name: 'Sign out', exact: true }).isVisible());
  for (const name of ['Pods', 'Terminals', 'Inspector', 'Audit']) assert.ok(await page.getByRole('link', { name, exact: true }).isVisible(), `${name} link`);
});

test('where the cluster says no, Shell, Exec and Run in all containers are off, with its reason', async () => {
  await page.getByRole('checkbox', { name: 'Select web', exact: true }).check();
  assert.ok(await runButton().isDisabled(), 'a pod is chosen, but no exec here');
  assert.is(await runButton().getAttribute('title'), DENIED);
  assert.match((await runButton().getAttribute('aria-describedby')) ?? '', /\bexec-denied\b/);
  assert.is(await page.getByTestId('exec-denied').innerText(), DENIED);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('heading', { name: 'web' }).waitFor();
  for (const name of ['Shell', 'Exec']) {
    const button = page.getByRole('button', { name, exact: true });
    assert.ok(await button.isDisabled(), name);
    assert.is(await button.getAttribute('title'), DENIED, name);
    assert.match((await button.getAttribute('aria-describedby')) ?? '', /\bexec-denied\b/, name);
  }
  assert.equal(asked, ['default'], 'asked once for the namespace, not again for its pod');
  await screenshot(page, 'team-exec-denied');
});

test("an admin watches someone else's terminal: nothing typed or resized is sent, readOnly is a sentence", async () => {
  await page.getByRole('combobox', { name: 'Namespace', exact: true }).selectOption('batch');
  await page.getByRole('link', { name: 'worker-0', exact: true }).click();
  const shell = page.getByRole('button', { name: 'Shell', exact: true });
  await waitFor(async () => await shell.isEnabled(), 'Shell on in batch');
  assert.equal(asked, ['default', 'batch']);
  await shell.click();
  const tab = page.getByRole('tab', { name: 'main: shell', exact: true });
  await waitForText(tab.locator('.badge').first(), /^live$/);
  const sessionId = ((await tab.getAttribute('id')) ?? '').replace(/^tab-/, '');
  assert.is(await tab.getByTestId('watching').innerText(), 'watching alice');
  assert.is(await page.locator('.tab.selected').getByRole('button', { name: 'Close terminal' }).count(), 0, "no closing alice's terminal");
  assert.match(await page.getByRole('tabpanel').getByTestId('read-only').innerText(), /read-only: watching alice/);

  await page.getByRole('tabpanel').locator('.xterm').click();
  await page.keyboard.type('echo typed-by-carol\r');
  await page.setViewportSize({ width: 900, height: 640 });
  // anything typed or resized would be on the socket before the page's next message: leave the namespace and come back
  await page.getByRole('combobox', { name: 'Namespace', exact: true }).selectOption('default');
  await waitFor(() => sent.control.some((m) => m.type === 'watchPods' && m.namespace === 'default' && sent.control.some((u) => u.type === 'unwatchPods' && u.namespace === 'batch')), 'the page moving on');
  await page.setViewportSize({ width: 1280, height: 860 });
  assert.equal(sent.input, [], 'no keystrokes sent');
  assert.equal(
    sent.control.filter((m) => m.type === 'resize'),
    [],
    'no sizes sent',
  );

  await page.goBack();
  await tab.waitFor();
  toPage!.send(JSON.stringify({ type: 'error', code: 'readOnly', sessionId, message: "You are watching alice's terminal: it is read-only." }));
  await waitForRow(page, /You are watching alice's terminal: it is read-only\./);
  await screenshot(page, 'team-watching');
  assert.equal(b.problems, []);
});

test('the Audit page lists the runs, filters them, and exports what it shows as JSON Lines', async () => {
  await page.getByRole('link', { name: 'Audit', exact: true }).click();
  const table = page.getByRole('table', { name: 'Audit trail', exact: true });
  await table.waitFor();
  assert.match(await page.getByText('octant-exec log export').innerText(), /log export/);
  assert.ok((await table.locator('tbody tr').count()) >= 1);
  await page.getByRole('combobox', { name: 'Pod', exact: true }).selectOption('batch/worker-0');
  await page.getByRole('combobox', { name: 'Outcome', exact: true }).selectOption({ label: 'running' });
  await waitFor(async () => (await table.locator('tbody tr').count()) === 1, 'one running run in batch/worker-0');
  assert.match(await table.locator('tbody tr').innerText(), /batch\/worker-0\/main[\s\S]*running/);
  await page.getByRole('combobox', { name: 'Outcome', exact: true }).selectOption({ label: 'refused' });
  await page.getByText('No run matches these filters.').waitFor();
  assert.ok(await page.getByRole('button', { name: 'Export JSON Lines', exact: true }).isDisabled(), 'nothing to export');
  await page.getByRole('combobox', { name: 'Outcome', exact: true }).selectOption({ label: 'Any' });

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON Lines', exact: true }).click()]);
  assert.match(download.suggestedFilename(), /^octant-exec-audit-\d{4}-\d{2}-\d{2}\.jsonl$/);
  const lines = readFileSync(await download.path(), 'utf8').split('\n').filter(Boolean);
  assert.is(lines.length, await table.locator('tbody tr').count());
  for (const line of lines) assert.is((JSON.parse(line) as { target: { pod: string } }).target.pod, 'worker-0');
  await screenshot(page, 'team-audit');
});

test('Sign out posts {} to the address the server named and starts over at /', async () => {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sign out', exact: true }).click()]);
  assert.equal(signOuts, [{ method: 'POST', body: '{}' }]);
  assert.is(new URL(page.url()).pathname, '/');
  await page.getByRole('group', { name: 'Signed in' }).waitFor();
  assert.equal(b.problems, []);
});

test.run();

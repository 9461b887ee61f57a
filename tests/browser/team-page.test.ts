// The page in team mode as three people live it, in a real Chromium against the server in
// `--auth oidc` (`--admin-group octant-admins`) with the sandbox cluster, each person signed in at
// a real OpenID Provider on loopback in a browser context of their own: bob (group viewers) has
// Shell, Exec and Run in all containers off with the cluster's own reason, and an exec sent past
// them fails naming pods/exec; alice (dev) opens a shell in default/web and sees only her own
// terminals; carol (octant-admins) finds alice's terminal on the Terminals page and watches it,
// alice's output reaching her and nothing she types or resizes ever sent; carol's Audit page lists
// alice's and bob's runs, filters by person and exports what it shows as JSON Lines. No answer of
// the server is rewritten: the test only watches what the pages send and show. Steps run in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { decodeFrame, FrameKind, type AuditRecord } from '../../src/protocol/index.ts';
import { screenRows, screenshot, signInAtProvider, startTeamBrowserApp, waitForRow, waitForText, type PersonBrowser, type TeamBrowserApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

const DENIED = /create pods\/exec in namespace "default"/;

let team: TeamBrowserApp;
let alice: PersonBrowser;
let bob: PersonBrowser;
let carol: PersonBrowser;
/** the namespaces each page asked GET /permissions about */
const asked: Record<string, string[]> = { alice: [], bob: [], carol: [] };
/** what carol's page sent on its socket: input frames (their session ids) and JSON control messages */
const carolSent: { input: string[]; control: { type: string; [key: string]: unknown }[] } = { input: [], control: [] };
/** alice's shell */
let shellId = '';

test.before(async () => {
  team = await startTeamBrowserApp();
  alice = await team.person('alice');
  bob = await team.person('bob');
  carol = await team.person('carol');
  for (const person of [alice, bob, carol]) {
    person.page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/api/v1/permissions') asked[person.name].push(url.searchParams.get('namespace') ?? '');
    });
  }
  carol.page.on('websocket', (ws) => {
    if (!ws.url().endsWith('/api/v1/stream')) return;
    ws.on('framesent', ({ payload }) => {
      if (typeof payload === 'string') carolSent.control.push(JSON.parse(payload));
      else {
        const frame = decodeFrame(new Uint8Array(payload));
        if (typeof frame !== 'string' && frame.kind === FrameKind.Input) carolSent.input.push(frame.sessionId);
      }
    });
  });
  for (const person of [alice, bob, carol]) await signInAtProvider(team, person);
});
test.after(async () => {
  await team?.close();
});

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const openPod = async (page: Page, name: string) => {
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { name }).waitFor();
};
const terminalRows = (page: Page) => page.getByRole('table', { name: 'Terminals', exact: true }).locator('tbody tr');

test('bob may not exec in default: Shell, Exec and Run in all containers are off, with the reason the cluster gave', async () => {
  const { page } = bob;
  await page.getByRole('checkbox', { name: 'Select web', exact: true }).check();
  const run = button(page, 'Run in all containers');
  await waitFor(async () => await run.isDisabled(), "the cluster's answer for default");
  const reason = await page.getByTestId('exec-denied').innerText();
  assert.match(reason, DENIED);
  assert.is(await run.getAttribute('title'), reason);
  assert.match((await run.getAttribute('aria-describedby')) ?? '', /\bexec-denied\b/);

  await openPod(page, 'web');
  for (const name of ['Shell', 'Exec']) {
    assert.ok(await button(page, name).isDisabled(), name);
    assert.is(await button(page, name).getAttribute('title'), reason, name);
    assert.match((await button(page, name).getAttribute('aria-describedby')) ?? '', /\bexec-denied\b/, name);
  }
  assert.is(await page.getByTestId('exec-denied').innerText(), reason);
  assert.equal(asked.bob, ['default'], 'asked once for the namespace, not again for its pod');
  await screenshot(page, 'team-exec-denied');

  // the same place for alice (group dev): the answer is the person's, not the namespace's
  await openPod(alice.page, 'web');
  await waitFor(() => asked.alice.includes('default'), "alice's page asking");
  for (const name of ['Shell', 'Exec']) await waitFor(async () => await button(alice.page, name).isEnabled(), `${name} on for alice`);
  assert.is(await alice.page.getByTestId('exec-denied').count(), 0);
  assert.equal(bob.problems, []);
});

test('an exec bob sends past the disabled buttons is refused by the cluster, and his tab says pods/exec', async () => {
  const started = await bob.page.evaluate(async () => {
    const answer = await fetch('/api/v1/exec', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['id'] }, interactive: false }),
    });
    return { status: answer.status, body: await answer.text() };
  });
  assert.is(started.status, 201, started.body);
  const tab = bob.page.getByRole('tab', { name: 'nginx: id', exact: true });
  await waitForText(tab.locator('.badge').first(), /^failed$/);
  assert.match((await tab.getAttribute('title')) ?? '', /^nginx: id — failed: .*pods\/exec/);
});

test('alice opens a shell in default/web, types, and sees its output; her Terminals page has hers only, and bob’s only his', async () => {
  const { page } = alice;
  await button(page, 'Shell').click();
  const tab = page.getByRole('tab', { name: 'nginx: shell', exact: true });
  await waitForText(tab.locator('.badge').first(), /^live$/);
  shellId = ((await tab.getAttribute('id')) ?? '').replace(/^tab-/, '');
  assert.ok(shellId, 'the tab names its session');
  assert.is(await tab.getByTestId('watching').count(), 0, 'her own terminal, not watched');
  await page.getByRole('tabpanel').locator('.xterm').click();
  await page.keyboard.type('echo alice-$((6*7))\r');
  await waitForRow(page, /^alice-42$/);

  for (const [person, count, who] of [[alice, 1, 'alice'], [bob, 1, 'bob']] as const) {
    await person.page.getByRole('link', { name: 'Terminals', exact: true }).click();
    await waitFor(async () => (await terminalRows(person.page).count()) === count, `${who}'s Terminals page`);
    assert.match(await terminalRows(person.page).first().locator('td').first().innerText(), new RegExp(`^${who}$`), `${who}'s Person column`);
  }
  await page.goBack();
  await waitForRow(page, /^alice-42$/);
});

test("carol opens alice's terminal from the Terminals page and watches it: alice's output reaches her, nothing she types or resizes is sent", async () => {
  const { page } = carol;
  await page.getByRole('link', { name: 'Terminals', exact: true }).click();
  const row = page.locator(`tr[data-session="${shellId}"]`);
  await row.waitFor();
  assert.is(await row.locator('td').first().innerText(), 'alice', 'the Person column');
  assert.is(await row.getByRole('button', { name: /^Close / }).count(), 0, "no closing alice's terminal");
  await row.getByRole('button', { name: 'Open web/nginx: shell', exact: true }).click();

  const tab = page.getByRole('tab', { name: 'nginx: shell', exact: true });
  await waitForText(tab.getByTestId('watching'), /^watching alice$/);
  assert.is(await tab.getAttribute('aria-selected'), 'true');
  assert.match(await page.getByRole('tabpanel').getByTestId('read-only').innerText(), /read-only: watching alice/);
  assert.is(await page.locator('.tab.selected').getByRole('button', { name: /^Close / }).count(), 0, "no closing alice's terminal");
  assert.is(await button(page, 'Restart').count(), 0);
  await waitForRow(page, /^alice-42$/);

  await page.getByRole('tabpanel').locator('.xterm').click();
  await page.keyboard.type('echo carol-was-here\r');
  await page.setViewportSize({ width: 900, height: 640 });
  // typing or resizing would be on the socket before the page's next message: leave the namespace and come back
  await page.getByRole('combobox', { name: 'Namespace', exact: true }).selectOption('batch');
  await waitFor(() => carolSent.control.some((m) => m.type === 'watchPods' && m.namespace === 'batch'), "carol's page moving on");
  await page.setViewportSize({ width: 1280, height: 860 });
  assert.equal(carolSent.input, [], 'no keystrokes sent');
  assert.equal(
    carolSent.control.filter((m) => m.type === 'resize' || m.type === 'input'),
    [],
    'no sizes sent',
  );
  assert.ok(carolSent.control.some((m) => m.type === 'attach' && m.sessionId === shellId), 'she attached to watch');
  await page.goBack();
  await tab.waitFor();

  await alice.page.getByRole('tabpanel').locator('.xterm').click();
  await alice.page.keyboard.type('echo second-$((7*8))\r');
  await waitForRow(alice.page, /^second-56$/);
  await waitForRow(page, /^second-56$/);
  assert.not.ok((await screenRows(alice.page.getByRole('tabpanel'))).some((r) => r.includes('carol-was-here')), "alice's screen never shows carol's text");
  assert.not.ok((await screenRows(page.getByRole('tabpanel'))).some((r) => /carol-was-here|read-only/.test(r)), "carol's text was never sent, so never refused");
  await screenshot(page, 'team-watching');
  assert.equal(carol.problems, []);
  assert.equal(alice.problems, []);
});

test("carol's Audit page lists alice's and bob's runs, filters by person, and exports what it shows as JSON Lines", async () => {
  const { page } = carol;
  await page.getByRole('link', { name: 'Audit', exact: true }).click();
  const table = page.getByRole('table', { name: 'Audit trail', exact: true });
  await table.waitFor();
  const who = async () => (await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r.children[1] as HTMLElement).innerText.split(' ')[0]))).sort();
  assert.equal(await who(), ['alice', 'bob']);
  assert.match(await table.locator('tbody tr', { hasText: 'alice' }).innerText(), /default\/web\/nginx[\s\S]*yes[\s\S]*running/);
  assert.match(await table.locator('tbody tr', { hasText: 'bob' }).innerText(), /default\/web\/nginx[\s\S]*id[\s\S]*no[\s\S]*failed: .*pods\/exec/);

  const person = page.getByRole('combobox', { name: 'Person', exact: true });
  await person.selectOption('bob');
  await waitFor(async () => (await who()).join() === 'bob', "bob's runs only");
  assert.match(await page.getByTestId('audit-count').innerText(), /^1 of 2 runs$/);
  const [download] = await Promise.all([page.waitForEvent('download'), button(page, 'Export JSON Lines').click()]);
  assert.match(download.suggestedFilename(), /^octant-exec-audit-\d{4}-\d{2}-\d{2}\.jsonl$/);
  const lines = readFileSync(await download.path(), 'utf8').split('\n').filter(Boolean);
  const exported = lines.map((line) => JSON.parse(line) as AuditRecord);
  const server = (await (await page.request.get(`${team.origin}/api/v1/audit`)).json()).records as AuditRecord[];
  assert.equal(exported, server.filter((r) => r.person?.user === 'bob'), "the file holds the server's records of bob, as they are");
  assert.equal(exported.map((r) => [r.person, r.target.pod, r.outcome?.kind]), [[{ user: 'bob', groups: ['viewers'] }, 'web', 'failed']]);

  await person.selectOption('alice');
  await waitFor(async () => (await who()).join() === 'alice', "alice's runs only");
  await screenshot(page, 'team-audit');
  assert.equal(carol.problems, []);
});

test.run();

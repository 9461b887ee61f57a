// Sharing in team mode in a real Chromium (`--auth oidc` with the test OpenID Provider): alice
// shares her shell with bob as a participant from the Share dialog; bob, not signed in yet, opens
// the link, signs in at the provider, comes back to the shared page (the share's id survives the
// sign-in's redirects) and types in alice's terminal, and alice's audit trail has his join; carol,
// signed in (an admin) but not picked, gets a page saying the link is not for her. Steps in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { PAGE_WAIT_MS, signInAtProvider, startTeamBrowserApp, waitForText, type TeamBrowserApp } from './support.ts';

let team: TeamBrowserApp;
let link = '';

test.before(async () => {
  team = await startTeamBrowserApp();
});
test.after(async () => {
  await team?.close();
});

/** The provider's login and consent pages, as a person who opened `url` without a session meets them. */
async function signInThrough(page: Page, user: string, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForURL((at) => at.origin === team.idp.issuer, { timeout: PAGE_WAIT_MS });
  await page.locator('input[name=login]').fill(user);
  await page.locator('input[name=password]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in', exact: true }).click();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.waitForURL((at) => at.origin === team.origin && at.pathname === '/share', { timeout: PAGE_WAIT_MS });
}

test('alice shares her shell with bob; bob signs in through the link and types in it', async () => {
  const alice = await team.person('alice');
  await signInAtProvider(team, alice);
  const page = alice.page;
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(page.locator('[role=tab][aria-label="nginx: shell"] .badge'), /^live$/);
  await page.getByRole('button', { name: 'Share…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Role').selectOption('participant');
  await dialog.getByLabel('People (their sign-in names)').fill('bob');
  await dialog.getByRole('button', { name: 'Make link' }).click();
  const field = dialog.getByLabel('Link (shown once)');
  await field.waitFor();
  link = await field.inputValue();
  assert.match(link, /\/share\?id=\w+$/);

  const bob = await team.person('bob');
  await signInThrough(bob.page, 'bob', link);
  await waitForText(bob.page.getByTestId('shared-banner'), /alice shared this terminal .* as a participant/);
  await bob.page.locator('.shared-terminal .xterm-screen').click();
  await bob.page.keyboard.type('echo bob-was-here-$((6+1))\r');
  await bob.page.waitForFunction(() => [...document.querySelectorAll('.shared-terminal .xterm-rows > div')].some((row) => (row.textContent ?? '').includes('bob-was-here-7')));
  await page.waitForFunction(() => [...document.querySelectorAll('[role=tabpanel] .xterm-rows > div')].some((row) => (row.textContent ?? '').includes('bob-was-here-7')));

  // the audit trail alice may read has bob's join in her run's record, and that he typed
  const joined = await page.evaluate(async () => ((await (await fetch('/api/v1/audit')).json()) as { records: { joined?: { who: string; role: string; typedAt?: number }[] }[] }).records.flatMap((r) => r.joined ?? []));
  assert.equal(joined.map((j) => [j.who, j.role, typeof j.typedAt]), [['bob', 'participant', 'number']]);
  assert.equal([...alice.problems, ...bob.problems], []);
});

test('carol, signed in (an admin) but not picked, is told the link is not for her, and reads on the Audit page that bob joined and typed', async () => {
  const carol = await team.person('carol');
  await signInThrough(carol.page, 'carol', link);
  await waitForText(carol.page.getByRole('alert'), /not for you/);
  // as an admin she reads alice's run on the Audit page: who joined it, and that he typed
  await carol.page.goto(team.url);
  await carol.page.getByRole('link', { name: 'Audit', exact: true }).click();
  await waitForText(carol.page.getByTestId('joined'), /^joined: bob \(participant, .+, typed .+\)$/);
});

test.run();

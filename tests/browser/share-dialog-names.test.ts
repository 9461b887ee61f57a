// The Share dialog's People and Groups fields: a sign-in name or a group may hold spaces (the
// server takes "Platform Team" as a group, as identity providers name them), and the dialog split
// every entry at its spaces, so "Platform Team" made a share for the groups "Platform" and "Team":
// other people's groups, while the members of "Platform Team" were refused. Entries are separated
// by commas (or line breaks); the spaces inside one are its own.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { signInAtProvider, startTeamBrowserApp, waitForText, type TeamBrowserApp } from './support.ts';

const test = suite('share dialog names', { deadlineMs: 90_000 });
let team: TeamBrowserApp;

test.before(async () => {
  team = await startTeamBrowserApp();
});
test.after(async () => {
  await team?.close();
});

test('a group named "Platform Team" is one group; commas separate entries', async () => {
  const alice = await team.person('alice');
  await signInAtProvider(team, alice);
  const page = alice.page;
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(page.locator('[role=tab][aria-label="nginx: shell"] .badge'), /^live$/);
  await page.getByRole('button', { name: 'Share…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('People (their sign-in names)').fill('bob, carol');
  await dialog.getByLabel('Groups').fill('Platform Team, sre');
  await dialog.getByRole('button', { name: 'Make link' }).click();
  await dialog.getByLabel('Link (shown once)').waitFor();
  const shares = await page.evaluate(async () => {
    const { sessions } = (await (await fetch('/api/v1/sessions')).json()) as { sessions: { sessionId: string }[] };
    return ((await (await fetch(`/api/v1/sessions/${sessions[0].sessionId}/shares`)).json()) as { shares: { users?: string[]; groups?: string[] }[] }).shares;
  });
  assert.equal(shares.map((share) => [share.users, share.groups]), [[['bob', 'carol'], ['Platform Team', 'sre']]]);
  assert.equal(alice.problems, []);
});

test.run();

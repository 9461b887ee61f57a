// `octant-exec sign-in` allowed in a real Chromium (oidc mode, a real OpenID Provider): the person,
// signed in, opens the page the command printed, sees its code, and clicks Allow; Chromium follows
// the server's answer to the command's listener on 127.0.0.1 under the page's own
// Content-Security-Policy (its form-action names that listener), the tab says to go back to the
// terminal, and the command is signed in as that person. Nothing the server answers is rewritten.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, type Cli } from '../support/cli.ts';
import { waitFor } from '../support/wait.ts';
import { signInAtProvider, startTeamBrowserApp, waitForText, type TeamBrowserApp } from './support.ts';

let team: TeamBrowserApp;
let cli: Cli | undefined;
const state = mkdtempSync(join(tmpdir(), 'octant-exec-sign-in-chromium-'));

test.before(async () => {
  team = await startTeamBrowserApp();
});
test.after(async () => {
  cli?.child.kill();
  await team?.close();
  rmSync(state, { recursive: true, force: true });
});

test('signed in on the page, alice allows the command line there; Chromium takes the answer to it, and it is signed in as her', async () => {
  const alice = await team.person('alice');
  await signInAtProvider(team, alice);
  // no opener on this PATH: the command prints the page, and the person opens it
  cli = startCli(['sign-in', '--server', team.origin], { env: { PATH: '/nonexistent', XDG_STATE_HOME: state } });
  await waitFor(() => /Open (\S+) in a browser/.test(cli!.stderr()), 'the command printing the page to open');
  const [, page, code] = /Open (\S+) in a browser .* shows the code ([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4})\./.exec(cli.stderr())!;
  await alice.page.goto(page);
  await waitForText(alice.page.locator('body'), new RegExp(code));
  await alice.page.getByRole('button', { name: 'Allow', exact: true }).click();
  await alice.page.waitForURL((url) => url.origin === `http://127.0.0.1:${new URL(page).searchParams.get('port')}`);
  await waitForText(alice.page.locator('body'), /the terminal says whether it is signed in/);
  assert.is(await cli.exit, 0, cli.stderr());
  assert.match(cli.stdout.join('\n'), `signed in to ${team.origin} as alice (groups dev), as you allowed in the browser`);
  assert.equal(alice.problems, []);
});

test.run();

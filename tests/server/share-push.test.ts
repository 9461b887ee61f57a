// A terminal's shares pushed to its owner's pages (docs/api.md, "Sharing a terminal"), in a team
// mode (--auth proxy against the sandbox): alice's socket hears her share made, bob joining and
// bob leaving, each time the whole list as GET .../shares has it; carol (an admin, who sees the
// terminal but not its shares: the GET is a 404 for her) and bob hear none of it.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { StreamClient, startTestApp, type MessageOf, type TestApp } from './support.ts';
import { asProxyPerson, PROXY_PEER, proxyCredentials } from './team-sign-in.ts';
import { waitFor } from '../support/wait.ts';
import type { SessionRow } from '../../src/protocol/index.ts';

const app: TestApp = await startTestApp({ auth: { mode: 'proxy', trustedProxies: [`${PROXY_PEER}/32`] }, adminGroups: ['octant-admins'], hub: { shareLeftAfterMs: 200 } });
test.after(() => app.close());

const as = (user: string, path: string, body?: unknown) => asProxyPerson(app, user, path, body);
const socketOf = (user: string) => StreamClient.open(app, { as: proxyCredentials(user) });

test("the owner's socket follows who joins and leaves, as the GET lists it; an admin's and the share person's hear nothing of it", async () => {
  const started = await as('alice', '/exec', { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
  assert.is(started.status, 201, started.body);
  const terminal: string = started.json.sessionIds[0];
  await waitFor(async () => ((await as('alice', '/sessions')).json.sessions as SessionRow[]).find((s) => s.sessionId === terminal && s.state === 'interactive'), "alice's shell live", 15_000);
  const [alice, carol] = [await socketOf('alice'), await socketOf('carol')];
  assert.ok(carol.hello.sessions.some((s) => s.sessionId === terminal), 'carol, an admin, sees the terminal itself');

  const made = await as('alice', `/sessions/${terminal}/shares`, { role: 'viewer', users: ['bob'] });
  assert.is(made.status, 201, made.body);
  const shareId: string = made.json.share.shareId;
  /** alice's next `shares` push from message `from` on whose watcher bob is as `watching` says (undefined: not joined yet) */
  const pushed = (from: number, watching: boolean | undefined) =>
    alice.next('shares', (m) => m.sessionId === terminal && m.shares[0]?.shareId === shareId && m.shares[0].watchers.find((w) => w.who === 'bob')?.watching === watching, `a push with bob ${watching}`, from);
  const listed = async () => (await as('alice', `/sessions/${terminal}/shares`)).json.shares;
  const first = await pushed(0, undefined);
  assert.equal(first.shares, await listed());

  const bob = await socketOf('bob');
  let seen = alice.messages.length;
  await bob.attach(terminal);
  const joined = await pushed(seen, true);
  assert.equal(joined.shares, await listed(), 'the push is the GET');
  assert.is(joined.shares[0].watchers[0].role, 'viewer');

  seen = alice.messages.length;
  await bob.close();
  const left: MessageOf<'shares'> = await pushed(seen, false);
  assert.equal(left.shares, await listed());

  assert.is((await as('carol', `/sessions/${terminal}/shares`)).status, 404, "carol's GET is refused: so is the push");
  assert.equal([...carol.messages, ...bob.messages].filter((m) => m.type === 'shares'), []);
  await Promise.all([alice.close(), carol.close()]);
});

test.run();

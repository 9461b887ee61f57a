// A share lasts at most as long as the sign-in that made it (docs/team-mode.md, "Sharing a
// terminal"): a participant types as the owner, so a share made in a kube-token sign-in ends
// when that sign-in does. Signed out: every live share made in that session is revoked through the
// log, its people are told why and cut off, and their keys go nowhere; the same person's other
// session and its shares go on. Asked for longer than the session has left: cut to its end, the
// answer says so, and the participant is told the owner's sign-in ended when it does. A server that
// keeps its sign-ins in memory ends, at its next start, the shares made in the earlier run's.
import { test } from '../support/test.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { send, type Jar } from './auth-support.ts';
import { kubeTokenSignIn } from './team-sign-in.ts';
import { StreamClient, startTestApp, type TestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';
import { shareEndMessages } from '../../src/server/shares/share-grant.ts';
import type { SessionRow, ShareView } from '../../src/protocol/index.ts';

/** A session of the second server: long enough to sign in, open a shell and share it on a busy machine, short enough to wait for. */
const SHORT_SESSION_MS = 15_000;

const app = await startTestApp({ auth: { mode: 'kube-token' } });
const short = await startTestApp({ auth: { mode: 'kube-token', sessionMs: SHORT_SESSION_MS } });
test.after(async () => {
  await short.close();
  await app.close();
});

const api = (on: TestApp, jar: Jar, path: string, o: { method?: string; body?: unknown } = {}) =>
  send(on.port, `/api/v1${path}`, { ...(o.method ? { method: o.method } : {}), headers: { Cookie: jar.header(), Origin: on.origin, ...(o.body !== undefined ? { 'Content-Type': 'application/json' } : {}) }, ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}) });

async function signIn(on: TestApp, user: 'alice' | 'bob' | 'carol'): Promise<Jar> {
  const { answer, jar } = await kubeTokenSignIn(on.port, on.origin, on.sandbox!.users[user].token);
  assert.is(answer.status, 303, answer.body);
  return jar;
}

async function shell(on: TestApp, jar: Jar): Promise<string> {
  const started = await api(on, jar, '/exec', { body: { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } } });
  assert.is(started.status, 201, started.body);
  return started.json.sessionIds[0];
}

async function share(on: TestApp, jar: Jar, terminal: string, users: string[], expiresIn: number): Promise<ShareView> {
  const made = await api(on, jar, `/sessions/${terminal}/shares`, { body: { role: 'participant', users, expiresIn } });
  assert.is(made.status, 201, made.body);
  return made.json.share;
}

const socketOf = (on: TestApp, jar: Jar) => StreamClient.open(on, { as: { headers: { Cookie: jar.header() } } });

test("signed out: the shares made in that sign-in end at once, saying so, and the participant's keys go nowhere; another sign-in's share goes on", async () => {
  const aliceHere = await signIn(app, 'alice');
  const aliceElsewhere = await signIn(app, 'alice'); // another browser
  const [bobJar, carolJar] = [await signIn(app, 'bob'), await signIn(app, 'carol')];
  const terminal = await shell(app, aliceHere);
  await waitFor(async () => ((await api(app, aliceHere, '/sessions')).json.sessions as SessionRow[]).find((s) => s.sessionId === terminal && s.state === 'interactive'), "alice's shell live", 20_000);
  const asked = Date.now();
  const mine = await share(app, aliceHere, terminal, ['bob'], 3600);
  const other = await share(app, aliceElsewhere, terminal, ['carol'], 3600);
  // an hour is well within the sign-in's 8: as asked
  assert.ok(mine.untilSignInEnds === undefined && mine.expiresAt >= asked + 3600_000, JSON.stringify(mine));

  const bob = await socketOf(app, bobJar);
  const carol = await socketOf(app, carolJar);
  try {
    await bob.attach(terminal);
    await carol.attach(terminal);
    bob.type(terminal, 'echo bob-$((2+3))\r');
    await carol.waitForText(terminal, 'bob-5');

    const cut = bob.messages.length;
    const out = await send(app.port, '/auth/sign-out', { method: 'POST', headers: { Cookie: aliceHere.header(), Origin: app.origin, 'Content-Type': 'application/json' }, body: '{}' });
    assert.is(out.status, 200, out.body);
    const detached = await bob.next('detached', (m) => m.sessionId === terminal, 'bob cut off', cut);
    assert.equal([detached.reason, detached.message], ['shareEnded', shareEndMessages.signedOut]);
    assert.match(detached.message ?? '', 'The owner signed out');

    // his keys run as alice no more: refused on the socket, and nothing reaches the shell
    const typed = bob.messages.length;
    bob.type(terminal, 'echo bob-after-$((3+4))\r');
    assert.is((await bob.next('error', (m) => m.sessionId === terminal, 'bob refused input', typed)).code, 'notAttached');
    const again = bob.messages.length;
    bob.send({ type: 'attach', sessionId: terminal });
    const refused = await bob.next('detached', (m) => m.sessionId === terminal, 'bob refused attach', again);
    assert.equal([refused.reason, refused.message], ['shareEnded', shareEndMessages.signedOut]);
    // carol's share was made in alice's other sign-in: it goes on, and she still types
    carol.type(terminal, 'echo carol-$((4+4))\r');
    await carol.waitForText(terminal, 'carol-8');
    assert.not.ok(carol.text(terminal).includes('bob-after-7'), 'bob typed into the terminal after the sign-out');

    const shared = await api(app, bobJar, `/shared?id=${mine.shareId}`);
    assert.is(shared.status, 410, shared.body);
    assert.is(shared.json.error.message, shareEndMessages.signedOut);
    assert.is((await api(app, carolJar, `/shared?id=${other.shareId}`)).status, 200);
    const listed = (await api(app, aliceElsewhere, `/sessions/${terminal}/shares`)).json.shares as ShareView[];
    const byId = Object.fromEntries(listed.map((s) => [s.shareId, s]));
    assert.equal([byId[mine.shareId].status, byId[mine.shareId].revokedBecause], ['revoked', 'signedOut']);
    assert.equal([byId[other.shareId].status, byId[other.shareId].revokedBecause], ['live', undefined]);

    // the log keeps which sign-in made each share as a hash, never the cookie, and why it ended
    const entries = app.system.entries();
    const created = entries.filter((e) => e.type === 'share.created' && [mine.shareId, other.shareId].includes(e.shareId)) as { shareId: string; signIn?: string }[];
    assert.is(created.length, 2);
    for (const entry of created) assert.match(entry.signIn ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.is.not(created[0].signIn, created[1].signIn);
    const cookie = aliceHere.get('octant_exec_session') ?? '';
    assert.ok(cookie.length > 20 && !JSON.stringify(entries).includes(cookie), 'nothing of the cookie in the log');
    const revoked = entries.filter((e) => e.type === 'share.revoked' && e.shareId === mine.shareId);
    assert.equal(revoked.map((e) => 'because' in e && e.because), ['signedOut']);
    assert.not.ok(entries.some((e) => e.type === 'share.revoked' && e.shareId === other.shareId));
  } finally {
    await bob.close();
    await carol.close();
  }
});

test("asked for longer than the sign-in has left, a share ends with it, says so, and its people are told when it does", async () => {
  const alice = await signIn(short, 'alice');
  const signedInBy = Date.now();
  const terminal = await shell(short, alice);
  const capped = await share(short, alice, terminal, ['bob'], 86_400);
  assert.ok(capped.expiresAt <= signedInBy + SHORT_SESSION_MS, `expires ${capped.expiresAt - signedInBy} ms after the sign-in, past its end`);
  assert.ok(capped.expiresAt > Date.now(), 'still live');
  assert.is(capped.untilSignInEnds, true);
  // bob's own sign-in must outlast alice's, or his socket would close with it: a few seconds after hers
  await waitFor(() => Date.now() >= signedInBy + 3_000, 'a few seconds after alice signed in', 10_000);
  const bobJar = await signIn(short, 'bob');
  const bob = await socketOf(short, bobJar);
  try {
    const seen = bob.messages.length;
    await bob.attach(terminal);
    const detached = await bob.next('detached', (m) => m.sessionId === terminal, "bob cut off at alice's sign-in's end", seen, SHORT_SESSION_MS + 10_000);
    assert.equal([detached.reason, detached.message], ['shareEnded', shareEndMessages.signInEnded]);
    const shared = await api(short, bobJar, `/shared?id=${capped.shareId}`);
    assert.is(shared.status, 410, shared.body);
    assert.match(shared.json.error.message, "The owner's sign-in ended");
  } finally {
    await bob.close();
  }
});

test('a server that keeps its sign-ins in memory ends, at its next start, the shares made in its earlier sign-ins (they ended with it)', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'octant-exec-share-restart-'));
  try {
    const first = await startTestApp({ auth: { mode: 'kube-token' }, stateDir });
    let made: ShareView;
    let terminal: string;
    try {
      const alice = await signIn(first, 'alice');
      terminal = await shell(first, alice);
      made = await share(first, alice, terminal, ['bob'], 3600);
    } finally {
      await first.close();
    }
    const again = await startTestApp({ auth: { mode: 'kube-token' }, stateDir });
    try {
      const alice = await signIn(again, 'alice');
      const listed = (await api(again, alice, `/sessions/${terminal}/shares`)).json.shares as ShareView[];
      const row = listed.find((s) => s.shareId === made.shareId);
      assert.equal([row?.status, row?.revokedBecause], ['revoked', 'signInEnded']);
      const bob = await signIn(again, 'bob');
      const shared = await api(again, bob, `/shared?id=${made.shareId}`);
      assert.is(shared.status, 410, shared.body);
      assert.is(shared.json.error.message, shareEndMessages.signInEnded);
    } finally {
      await again.close();
    }
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test.run();

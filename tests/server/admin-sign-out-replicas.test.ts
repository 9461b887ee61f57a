// An admin signs a person out everywhere (docs/team-mode.md, "Offboarding"): two replicas in
// kube-token mode on one shared log (in memory), before one sandbox. Carol, an admin, asks A:
// alice's two sign-ins (one made on each replica) are refused by both from then on, her sockets on
// both are closed at once, saying why (B hears of it through the store, with no request of
// hers), her shares end; bob is untouched, and alice signing in again afterwards is in. Nobody but
// an admin may; while the shared log does not answer, nobody is signed out (503).
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { WebSocket } from 'ws';
import type { SessionRow } from '../../src/protocol/index.ts';
import { SIGNED_OUT_BY_ADMIN } from '../../src/server/auth/live-sessions.ts';
import { shareEndMessages } from '../../src/server/shares/share-grant.ts';
import { onFreePort } from '../support/free-port.ts';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { send, upgrade, type Jar } from './auth-support.ts';
import { startTestApp, type TestApp } from './support.ts';
import { kubeTokenSignIn } from './team-sign-in.ts';

const test = suite('an admin signs a person out on every replica', { deadlineMs: 120_000 });

const sandbox = await startTestSandbox();
const log = new MemoryLog();
const warnings: string[] = [];

async function replica(): Promise<TestApp> {
  return onFreePort((port) =>
    startTestApp({
      sandbox: false,
      kubeconfig: sandbox.users['octant-exec'].kubeconfigPath,
      port,
      auth: { mode: 'kube-token' },
      adminGroups: ['octant-admins'],
      warn: (m) => warnings.push(m),
      sharedLog: { advertise: `http://127.0.0.1:${port}`, open: async (at) => log.open(at) },
    }),
  );
}

const a = await replica();
const b = await replica();
test.after(async () => {
  await b.close();
  await a.close();
  await sandbox.close();
});

const signIn = async (on: TestApp, user: 'alice' | 'bob' | 'carol') => {
  const { answer, jar } = await kubeTokenSignIn(on.port, on.origin, sandbox.users[user].token);
  assert.is(answer.status, 303, answer.body);
  return jar;
};
const api = (on: TestApp, jar: Jar, path: string, body?: unknown) =>
  send(on.port, `/api/v1${path}`, { headers: { Cookie: jar.header(), Origin: on.origin, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });

/** A page's socket on `on`, and how it was closed once it is. */
async function socketOf(on: TestApp, jar: Jar): Promise<{ ws: WebSocket; closed?: { code: number; reason: string } }> {
  const opened = await upgrade(on.port, { Cookie: jar.header() }, { keep: true });
  assert.is(opened.status, 101, opened.body);
  const socket: { ws: WebSocket; closed?: { code: number; reason: string } } = { ws: opened.ws! };
  socket.ws.on('close', (code, reason) => (socket.closed = { code, reason: reason.toString() }));
  return socket;
}

test('nobody but an admin signs a person out: the 404 of a person they cannot see, and the sign-in goes on', async () => {
  const [alice, bob] = [await signIn(a, 'alice'), await signIn(a, 'bob')];
  for (const [jar, who] of [[bob, 'bob'], [alice, 'alice herself']] as const) {
    const refused = await api(a, jar, '/people/alice/sign-out', {});
    assert.is(refused.status, 404, `${who}: ${refused.body}`);
  }
  assert.is((await api(b, alice, '/info')).status, 200, 'still signed in');
});

test("signed out by an admin on A: both of alice's sign-ins refused on both replicas, her sockets on both closed at once, saying why; bob's go on", async () => {
  const [alice1, alice2] = [await signIn(a, 'alice'), await signIn(b, 'alice')];
  const [bob, carol] = [await signIn(b, 'bob'), await signIn(a, 'carol')];
  const sockets = [await socketOf(a, alice2), await socketOf(b, alice1)];
  const bobs = await socketOf(b, bob);

  const out = await api(a, carol, '/people/alice/sign-out', {});
  assert.is(out.status, 200, out.body);
  assert.equal(Object.keys(out.json).sort(), ['shares', 'signedOutAt', 'user']);
  assert.is(out.json.user, 'alice');
  // no request of alice's from here until both are closed: B closes hers on hearing of it through the store
  for (const socket of sockets) await waitFor(() => socket.closed, 'her socket closed', 5_000);
  assert.equal(sockets.map((s) => s.closed), [{ code: 1008, reason: SIGNED_OUT_BY_ADMIN }, { code: 1008, reason: SIGNED_OUT_BY_ADMIN }]);
  for (const on of [a, b]) {
    for (const jar of [alice1, alice2]) {
      const refused = await api(on, jar, '/info');
      assert.is(refused.status, 401, refused.body);
      assert.match(refused.json.error.message, /Your sign-in has ended/);
      assert.is((await upgrade(on.port, { Cookie: jar.header() })).status, 401, 'no socket either');
    }
  }
  assert.is(bobs.closed, undefined, "bob's socket stays open");
  assert.is((await api(a, bob, '/info')).status, 200, "bob's sign-in goes on");
  bobs.ws.close();

  assert.ok(warnings.some((m) => m.includes('admin "carol" signed "alice" out everywhere')), 'said in the server log, who and whom');
  assert.ok(log.revocations.some((r) => r.idHash.startsWith('person.')), "kept in the store beside the sessions' sign-outs");
  const again = await signIn(b, 'alice');
  for (const on of [a, b]) assert.is((await api(on, again, '/info')).status, 200, 'a sign-in after it is in');
});

test('the shares alice made end with it, on every replica', async () => {
  const alice = await signIn(b, 'alice');
  const [bob, carol] = [await signIn(b, 'bob'), await signIn(a, 'carol')];
  const started = await api(b, alice, '/exec', { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
  assert.is(started.status, 201, started.body);
  const terminal: string = started.json.sessionIds[0];
  await waitFor(async () => ((await api(b, alice, '/sessions')).json.sessions as SessionRow[]).find((s) => s.sessionId === terminal && s.state === 'interactive'), "alice's shell live on B", 20_000);
  const made = await api(b, alice, `/sessions/${terminal}/shares`, { role: 'viewer', users: ['bob'], expiresIn: 3600 });
  assert.is(made.status, 201, made.body);
  const shareId: string = made.json.share.shareId;
  assert.is((await api(b, bob, `/shared?id=${shareId}`)).status, 200);

  const out = await api(a, carol, '/people/alice/sign-out', {});
  assert.is(out.status, 200, out.body);
  assert.equal(out.json.shares, [shareId]);
  await waitFor(async () => (await api(b, bob, `/shared?id=${shareId}`)).status === 410, 'the share ended on B');
  assert.is((await api(b, bob, `/shared?id=${shareId}`)).json.error.message, shareEndMessages.signedOut);
  const ended = await api(b, carol, `/sessions/${terminal}/end`, {});
  assert.is(ended.status, 200, ended.body);
});

test('while the shared log does not answer, nobody is signed out (503)', async () => {
  const [alice, carol] = [await signIn(a, 'alice'), await signIn(a, 'carol')];
  log.setAvailable(false);
  try {
    await waitFor(() => a.system.shared?.refusesExecs, 'A knows the log is down');
    const refused = await api(a, carol, '/people/alice/sign-out', {});
    assert.is(refused.status, 503, refused.body);
    assert.match(refused.json.error.message, 'nobody was signed out');
  } finally {
    log.setAvailable(true);
  }
  assert.is((await api(a, alice, '/info')).status, 200);
});

test.run();

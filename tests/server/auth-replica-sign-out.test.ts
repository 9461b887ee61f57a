// Sign-out across replicas that share a log: two in-process servers in kube-token mode on one
// shared log (in memory), in front of one sandbox. Their session key comes from the log, so a
// cookie made by A is taken by B; signed out on A, the same cookie is refused by B within a few
// seconds, for the API and for a socket, because the sign-out travels through the log's store.
// (Two servers sharing only a --session-key-file do not hear of each other's sign-outs:
// auth-replica-sign-in.test.ts.)
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Buffer } from 'node:buffer';
import { onFreePort } from '../support/free-port.ts';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { send, upgrade, type Jar } from './auth-support.ts';
import { StreamClient, startTestApp, type TestApp } from './support.ts';
import { kubeTokenSignIn } from './team-sign-in.ts';
import { shareEndMessages } from '../../src/server/shares/share-grant.ts';
import type { SessionRow } from '../../src/protocol/index.ts';

const sandbox = await startTestSandbox();
const log = new MemoryLog();

/** A replica on the shared log, as the deployed server: the sandbox's octant-exec identity reviews tokens. */
async function replica(): Promise<TestApp> {
  return onFreePort((port) =>
    startTestApp({ sandbox: false, kubeconfig: sandbox.users['octant-exec'].kubeconfigPath, port, auth: { mode: 'kube-token' }, sharedLog: { advertise: `http://127.0.0.1:${port}`, open: async (at) => log.open(at) } }),
  );
}

const a = await replica();
const b = await replica();
test.after(async () => {
  await b.close();
  await a.close();
  await sandbox.close();
});

test('signed out on A, the cookie is refused on B within a few seconds; the log holds a hash of the session id, never the cookie', async () => {
  const { answer, jar } = await kubeTokenSignIn(a.port, a.origin, sandbox.users.alice.token);
  assert.is(answer.status, 303, answer.body);
  const cookie = jar.header();
  const onB = await send(b.port, '/api/v1/info', { headers: { Cookie: cookie } });
  assert.is(onB.status, 200, onB.body);
  assert.is(onB.json.signedIn.user, 'alice');

  const out = await send(a.port, '/auth/sign-out', { method: 'POST', headers: { Cookie: cookie, Origin: a.origin, Accept: 'application/json' } });
  assert.is(out.status, 200, out.body);
  const signedOutAt = Date.now();
  await waitFor(async () => (await send(b.port, '/api/v1/info', { headers: { Cookie: cookie } })).status === 401, 'B refuses the cookie', 5_000);
  assert.ok(Date.now() - signedOutAt < 5_000);
  const refused = await send(b.port, '/api/v1/info', { headers: { Cookie: cookie } });
  assert.match(refused.json.error.message, /Your sign-in has ended/);
  assert.is((await upgrade(b.port, { Cookie: cookie })).status, 401, 'no socket on B either');
  assert.is((await send(a.port, '/api/v1/info', { headers: { Cookie: cookie } })).status, 401);

  assert.is(log.revocations.length, 1);
  const stored = JSON.stringify(log.revocations);
  const value = jar.get('octant_exec_session')!;
  assert.not.ok(stored.includes(value.split('.')[2]) || stored.includes(value.split('.')[1]), 'nothing of the cookie');
  const sid = JSON.parse(Buffer.from(value.split('.')[1], 'base64url').toString()).sid as string;
  assert.not.ok(stored.includes(sid), 'not the session id either');
  assert.match(log.revocations[0].idHash, /^[A-Za-z0-9_-]{43}$/);
});

test('another session of the same person on B is not touched by that sign-out', async () => {
  const first = await kubeTokenSignIn(b.port, b.origin, sandbox.users.alice.token);
  const second = await kubeTokenSignIn(b.port, b.origin, sandbox.users.alice.token);
  await send(b.port, '/auth/sign-out', { method: 'POST', headers: { Cookie: first.jar.header(), Origin: b.origin, Accept: 'application/json' } });
  await waitFor(async () => (await send(a.port, '/api/v1/info', { headers: { Cookie: first.jar.header() } })).status === 401, 'A refuses the signed-out one', 5_000);
  assert.is((await send(a.port, '/api/v1/info', { headers: { Cookie: second.jar.header() } })).status, 200);
});

test('signed out on A, a share made through B in that sign-in ends: the participant on B is cut off at once, saying why', async () => {
  const api = (on: TestApp, jar: Jar, path: string, body?: unknown) =>
    send(on.port, `/api/v1${path}`, { headers: { Cookie: jar.header(), Origin: on.origin, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  // alice's sign-in is made on B and used on B only: A first sees it when it signs her out
  const alice = (await kubeTokenSignIn(b.port, b.origin, sandbox.users.alice.token)).jar;
  const bob = (await kubeTokenSignIn(b.port, b.origin, sandbox.users.bob.token)).jar;
  const started = await api(b, alice, '/exec', { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
  assert.is(started.status, 201, started.body);
  const terminal: string = started.json.sessionIds[0];
  await waitFor(async () => ((await api(b, alice, '/sessions')).json.sessions as SessionRow[]).find((s) => s.sessionId === terminal && s.state === 'interactive'), "alice's shell live on B", 20_000);
  const made = await api(b, alice, `/sessions/${terminal}/shares`, { role: 'participant', users: ['bob'], expiresIn: 86_400 });
  assert.is(made.status, 201, made.body);
  assert.is(made.json.share.untilSignInEnds, true, 'a day is cut to the sign-in\'s 8 hours');
  const socket = await StreamClient.open(b, { as: { headers: { Cookie: bob.header() } } });
  try {
    await socket.attach(terminal);
    socket.type(terminal, 'echo bob-$((6+6))\r');
    await socket.waitForText(terminal, 'bob-12');
    const cut = socket.messages.length;
    const out = await send(a.port, '/auth/sign-out', { method: 'POST', headers: { Cookie: alice.header(), Origin: a.origin, Accept: 'application/json' } });
    assert.is(out.status, 200, out.body);
    const detached = await socket.next('detached', (m) => m.sessionId === terminal, 'bob cut off on B', cut, 5_000);
    assert.equal([detached.reason, detached.message], ['shareEnded', shareEndMessages.signedOut]);
    const shared = await api(b, bob, `/shared?id=${made.json.share.shareId}`);
    assert.equal([shared.status, shared.json.error.message], [410, shareEndMessages.signedOut]);
  } finally {
    await socket.close();
  }
});

test.run();

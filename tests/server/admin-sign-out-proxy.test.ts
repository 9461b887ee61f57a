// An admin signs a person out everywhere in proxy mode (docs/team-mode.md, "Offboarding"): there
// is no sign-in of ours to end, so their open sockets are closed at once, saying why, and nobody
// else's, on every replica (two on one shared log in memory: the other hears of it through the
// store); from then on the proxy decides (its next request, still let in by the proxy, is in).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { WebSocket } from 'ws';
import { SIGNED_OUT_BY_ADMIN } from '../../src/server/auth/live-sessions.ts';
import { personKey, personSignOutEnd } from '../../src/server/auth/revocations.ts';
import { onFreePort } from '../support/free-port.ts';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { waitFor } from '../support/wait.ts';
import { upgrade } from './auth-support.ts';
import { startTestApp, type TestApp } from './support.ts';
import { asProxyPerson, PROXY_PEER, proxyCredentials } from './team-sign-in.ts';

const teamMode = { auth: { mode: 'proxy' as const, trustedProxies: [`${PROXY_PEER}/32`] }, adminGroups: ['octant-admins'] };
const log = new MemoryLog();
let app: TestApp;
let other: TestApp;
test.before(async () => {
  const replica = (port: number) => startTestApp({ ...teamMode, port, sharedLog: { advertise: `http://127.0.0.1:${port}`, open: async (at) => log.open(at) } });
  app = await onFreePort(replica);
  other = await onFreePort(replica);
});
test.after(async () => {
  await other?.close();
  await app?.close();
});

async function socketOf(user: string, on: TestApp = app): Promise<{ ws: WebSocket; closed?: { code: number; reason: string } }> {
  const { headers, from } = proxyCredentials(user);
  const opened = await upgrade(on.port, headers, { from: from!, keep: true });
  assert.is(opened.status, 101, opened.body);
  const socket: { ws: WebSocket; closed?: { code: number; reason: string } } = { ws: opened.ws! };
  socket.ws.on('close', (code, reason) => (socket.closed = { code, reason: reason.toString() }));
  return socket;
}

test("alice's sockets close at once on both replicas, saying why; bob's stay; a non-admin may not; the proxy decides the next request", async () => {
  const alices = [await socketOf('alice'), await socketOf('alice', other)];
  const bobs = await socketOf('bob', other);
  assert.is((await asProxyPerson(app, 'bob', '/people/alice/sign-out', {})).status, 404);
  const out = await asProxyPerson(app, 'carol', '/people/alice/sign-out', {});
  assert.is(out.status, 200, out.body);
  assert.equal([out.json.user, out.json.shares], ['alice', []]);
  for (const socket of alices) await waitFor(() => socket.closed, "alice's socket closed", 5_000);
  assert.equal(alices.map((s) => s.closed), [{ code: 1008, reason: SIGNED_OUT_BY_ADMIN }, { code: 1008, reason: SIGNED_OUT_BY_ADMIN }]);
  assert.is(bobs.closed, undefined);
  bobs.ws.close();
  assert.is((await asProxyPerson(app, 'alice', '/info')).status, 200, 'the proxy, not octant-exec, refuses her from now on');
});

test('a sign-out heard late (a replica started since, or its store away) closes only the sockets opened until it, not one the proxy let in after', async () => {
  const bob = await socketOf('bob');
  const carol = await socketOf('carol');
  const now = Date.now();
  // as the store hands a replica sign-outs made before it heard them: bob's a minute ago, and
  // carol's a minute from now (her socket, opened before it, closes: the delivery was heard)
  log.revoke([
    { idHash: personKey('bob'), expiresAt: personSignOutEnd(now - 60_000) },
    { idHash: personKey('carol'), expiresAt: personSignOutEnd(now + 60_000) },
  ]);
  await waitFor(() => carol.closed, "carol's socket closed", 5_000);
  assert.is(bob.closed, undefined, "bob's socket, opened after his sign-out, stays");
  bob.ws.close();
});

test.run();

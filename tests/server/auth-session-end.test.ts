// A session that expires ends as a sign-out does, when it expires: the sockets it opened are
// closed then (1008), with no request needed to notice it. One server per sign-in mode that keeps
// sessions (kube-token, oidc), each with sessions of a few seconds instead of 8 hours.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from './support.ts';
import { send, upgrade } from './auth-support.ts';
import { TestIssuer, kubeTokenSignIn } from './team-sign-in.ts';
import { waitFor } from '../support/wait.ts';

/** Long enough to sign in and open a socket on a busy machine, short enough to wait for. */
const SESSION_MS = 3000;

const idp = await new TestIssuer().listen();
const oidcApp = await startTestApp({ auth: { mode: 'oidc', issuer: idp.issuer, clientId: TestIssuer.CLIENT_ID, clientSecretFile: idp.secretFile, sessionMs: SESSION_MS } });
await idp.serve(oidcApp);
const kubeApp = await startTestApp({ auth: { mode: 'kube-token', sessionMs: SESSION_MS } });
test.after(async () => {
  await kubeApp.close();
  await oidcApp.close();
  await idp.close();
});

/** Opens a socket with the session's cookie, waits for it to be closed, and says how and when. */
async function closedAtExpiry(app: TestApp, cookie: string, signedInAt: number): Promise<void> {
  const socket = await upgrade(app.port, { Cookie: cookie }, { keep: true });
  assert.is(socket.status, 101, `the socket opened before the session's end (${Date.now() - signedInAt} ms after sign-in): ${socket.body}`);
  let closed: { code: number; reason: string; at: number } | undefined;
  socket.ws!.on('close', (code, reason) => (closed = { code, reason: reason.toString(), at: Date.now() }));
  // No request from here on: only the session's own end can close the socket.
  await waitFor(() => closed, "the expired session's socket to be closed", SESSION_MS + 10_000);
  assert.equal([closed!.code, closed!.reason], [1008, 'signed out']);
  assert.ok(closed!.at - signedInAt >= SESSION_MS - 50, `closed ${closed!.at - signedInAt} ms after sign-in, not before the session's end`);
  const after = await send(app.port, '/api/v1/info', { headers: { Cookie: cookie } });
  assert.is(after.status, 401);
  assert.match(after.json.error.message, /Your sign-in has ended/);
}

test('kube-token: at the end of the session its socket is closed, without any further request', async () => {
  const signedInAt = Date.now();
  const { answer, jar } = await kubeTokenSignIn(kubeApp.port, kubeApp.origin, kubeApp.sandbox!.users.alice.token);
  assert.is(answer.status, 303, answer.body);
  await closedAtExpiry(kubeApp, jar.header(), signedInAt);
});

test('oidc: at the end of the session its socket is closed, without any further request', async () => {
  const { start, appJar } = await idp.begin();
  const url = await idp.atProvider(String(start.headers.location), 'alice');
  const signedInAt = Date.now(); // the session starts at the callback
  const answer = await idp.callback(url, appJar);
  assert.is(answer.status, 200, answer.body);
  appJar.take(answer.cookies);
  await closedAtExpiry(oidcApp, appJar.header(), signedInAt);
});

test.run();

// Ids that name Object's own members ("constructor", "__proto__", "toString"): the lists look ids
// up in plain objects, where such a name finds Object's member. In a team mode an attach to
// "constructor" was taken for another person's terminal, and the share lookup then threw inside
// the socket's handler, ending the server process for everyone (found in review). Now such an id is
// refused as a malformed message, and the server goes on.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import process from 'node:process';
import { send } from './auth-support.ts';
import { StreamClient, startTestApp, type TestApp } from './support.ts';
import { PROXY_PEER } from './team-sign-in.ts';

const thrown: unknown[] = [];
const onError = (error: unknown) => void thrown.push(error);
process.on('uncaughtException', onError);
const app: TestApp = await startTestApp({ auth: { mode: 'proxy', trustedProxies: [`${PROXY_PEER}/32`] } });
test.after(async () => {
  await app.close();
  process.off('uncaughtException', onError);
});

const headers = { 'X-Forwarded-User': 'bob', 'X-Forwarded-Groups': 'dev' };

test('an attach to "constructor", "__proto__" or "toString" is refused as malformed, and the server goes on', async () => {
  const bob = await StreamClient.open(app, { as: { headers, from: PROXY_PEER } });
  for (const sessionId of ['constructor', '__proto__', 'toString']) {
    const seen = bob.messages.length;
    bob.send({ type: 'attach', sessionId });
    const refusal = await bob.next('error', () => true, `the refusal of ${sessionId}`, seen);
    assert.is(refusal.code, 'badMessage', sessionId);
  }
  assert.equal(thrown.map((e) => String((e as Error)?.message ?? e)), [], 'no uncaught exception');
  const info = await send(app.port, '/api/v1/info', { headers: { ...headers, Origin: app.origin }, from: PROXY_PEER });
  assert.is(info.status, 200, 'the server still answers');
  await bob.close();
});

test.run();

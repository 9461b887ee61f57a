// The socket of a share's person is shown no more of the owner than GET /shared shows
// (share-shown-row.test.ts): the terminal's row in `attached`, and each `session` message as the row
// changes (the owner's size here), without the owner's groups. Needs src/server/shares/shared-row.ts's
// sharedRow applied where the data plane and the control plane send a row to a share's socket.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { send } from './auth-support.ts';
import { StreamClient, startTestApp, type TestApp } from './support.ts';
import { PROXY_PEER } from './team-sign-in.ts';
import { waitFor } from '../support/wait.ts';
import type { SessionRow } from '../../src/protocol/index.ts';

const test = suite('what a share\'s socket shows of its owner', { deadlineMs: 60_000 });

test('bob\'s socket is not sent alice\'s groups, neither at attach nor as her row changes', async () => {
  const app: TestApp = await startTestApp({ auth: { mode: 'proxy', trustedProxies: [`${PROXY_PEER}/32`] } });
  const headers = (user: string, groups: readonly string[]) => ({ 'X-Forwarded-User': user, 'X-Forwarded-Groups': groups.join(',') });
  const as = (user: string, groups: readonly string[], path: string, body?: unknown) =>
    send(app.port, `/api/v1${path}`, {
      from: PROXY_PEER,
      headers: { ...headers(user, groups), Origin: app.origin, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const sockets: StreamClient[] = [];
  try {
    const alice = ['alice', ['dev', 'incident-response-7']] as const;
    const started = await as(...alice, '/exec', { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'auto' } });
    const terminal: string = started.json.sessionIds[0];
    await waitFor(async () => ((await as(...alice, '/sessions')).json.sessions as SessionRow[]).some((s) => s.sessionId === terminal && s.state === 'interactive'), 'alice\'s shell live', 15_000);
    await as(...alice, `/sessions/${terminal}/shares`, { role: 'viewer', users: ['bob'] });
    const bob = await StreamClient.open(app, { as: { headers: headers('bob', ['ops']), from: PROXY_PEER } });
    sockets.push(bob);
    const attached = await bob.attach(terminal);
    assert.not.ok(JSON.stringify(attached.session).includes('incident-response-7'), `attached: ${JSON.stringify(attached.session.person)}`);
    const owner = await StreamClient.open(app, { as: { headers: headers(...alice), from: PROXY_PEER } });
    sockets.push(owner);
    await owner.attach(terminal);
    const seen = bob.messages.length;
    owner.send({ type: 'resize', sessionId: terminal, cols: 101, rows: 31 });
    const pushed = await bob.next('session', (m) => m.session.sessionId === terminal && m.session.size?.cols === 101, 'the owner\'s new size', seen);
    assert.not.ok(JSON.stringify(pushed.session).includes('incident-response-7'), `session: ${JSON.stringify(pushed.session.person)}`);
  } finally {
    for (const socket of sockets) await socket.close();
    await app.close();
  }
});

test.run();

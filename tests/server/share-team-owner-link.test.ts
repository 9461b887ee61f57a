// In a team mode the owner opening their own share link (to check it, or from another tab) sees
// their terminal, as sharedView's own comment and docs/api.md promise ("the owner's own browser"):
// a share that does not name its owner is no reason to tell them it is "not for you".
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { send } from './auth-support.ts';
import { startTestApp, type TestApp } from './support.ts';
import { PROXY_PEER } from './team-sign-in.ts';
import { waitFor } from '../support/wait.ts';
import type { SessionRow } from '../../src/protocol/index.ts';

const test = suite('team owner opens own link', { deadlineMs: 60_000 });
const app: TestApp = await startTestApp({ auth: { mode: 'proxy', trustedProxies: [`${PROXY_PEER}/32`] } });
test.after(() => app.close());

const as = (user: string, groups: readonly string[], path: string, options: { method?: string; body?: unknown } = {}) =>
  send(app.port, `/api/v1${path}`, {
    from: PROXY_PEER,
    ...(options.method ? { method: options.method } : {}),
    headers: { 'X-Forwarded-User': user, 'X-Forwarded-Groups': groups.join(','), Origin: app.origin, ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });

test('the owner opening the link they made for bob sees their terminal; bob sees it as a viewer; carol is told it is not for her', async () => {
  const started = await as('alice', ['dev'], '/exec', { body: { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'auto' } } });
  assert.is(started.status, 201, started.body);
  const terminal: string = started.json.sessionIds[0];
  await waitFor(async () => ((await as('alice', ['dev'], '/sessions')).json.sessions as SessionRow[]).some((s) => s.sessionId === terminal && s.state === 'interactive'), 'alice\'s shell live', 15_000);
  const made = await as('alice', ['dev'], `/sessions/${terminal}/shares`, { body: { role: 'viewer', users: ['bob'] } });
  assert.is(made.status, 201, made.body);
  const id: string = made.json.share.shareId;
  const bob = await as('bob', ['ops'], `/shared?id=${id}`);
  assert.is(bob.status, 200, bob.body);
  assert.is(bob.json.role, 'viewer');
  assert.is((await as('carol', ['ops'], `/shared?id=${id}`)).status, 403);
  const owner = await as('alice', ['dev'], `/shared?id=${id}`);
  assert.is(owner.status, 200, `the owner opening their own link: ${owner.body}`);
  assert.is(owner.json.sessionId, terminal);
});

test.run();

// What a share's person is shown of the owner: the terminal (its target, state, size, recording)
// and who shared it, nothing more ("a share is not a grant ... nothing else of the owner's is shown
// to them", docs/team-mode.md; "It lets that browser see this terminal and nothing else", the
// Share dialog). GET /shared handed them the owner's whole row: in a team mode every group of the
// owner's, in local mode the kubeconfig user the terminal runs as, and the context.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { send } from './auth-support.ts';
import { call, openExec, sessionState, startTestApp, type TestApp } from './support.ts';
import { PROXY_PEER } from './team-sign-in.ts';
import { waitFor } from '../support/wait.ts';
import type { SessionRow } from '../../src/protocol/index.ts';

const test = suite('what a share shows of its owner', { deadlineMs: 60_000 });

test('team mode: bob, picked by alice, is not shown her groups', async () => {
  const app: TestApp = await startTestApp({ auth: { mode: 'proxy', trustedProxies: [`${PROXY_PEER}/32`] } });
  try {
    const as = (user: string, groups: readonly string[], path: string, body?: unknown) =>
      send(app.port, `/api/v1${path}`, {
        from: PROXY_PEER,
        headers: { 'X-Forwarded-User': user, 'X-Forwarded-Groups': groups.join(','), Origin: app.origin, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    const alice = ['alice', ['dev', 'incident-response-7']] as const;
    const started = await as(...alice, '/exec', { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'auto' } });
    const terminal: string = started.json.sessionIds[0];
    await waitFor(async () => ((await as(...alice, '/sessions')).json.sessions as SessionRow[]).some((s) => s.sessionId === terminal && s.state === 'interactive'), 'alice\'s shell live', 15_000);
    const made = await as(...alice, `/sessions/${terminal}/shares`, { role: 'viewer', users: ['bob'] });
    const shared = await as('bob', ['ops'], `/shared?id=${made.json.share.shareId}`);
    assert.is(shared.status, 200, shared.body);
    assert.is(shared.json.sharedBy, 'alice');
    assert.is(shared.json.session.target.pod, 'web');
    assert.not.ok(shared.body.includes('incident-response-7'), `alice's groups are not bob's business: ${JSON.stringify(shared.json.session.person)}`);
    // alice opening her own link still sees her row whole
    assert.ok((await as(...alice, `/shared?id=${made.json.share.shareId}`)).body.includes('incident-response-7'));
  } finally {
    await app.close();
  }
});

test('local mode: the link\'s browser is not shown the kubeconfig user or the context the terminal runs as', async () => {
  const app: TestApp = await startTestApp();
  try {
    const [context] = (await call(app, '/api/v1/contexts')).json.contexts as { name: string; user: string }[];
    const [terminal] = await openExec(app, { context: context.name, namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'auto' } });
    await waitFor(async () => (await sessionState(app, terminal))?.state === 'interactive', 'the shell live', 15_000);
    const owners = (await sessionState(app, terminal))!;
    assert.ok(owners.requestedBy && owners.target.context, JSON.stringify(owners));
    const made = await call(app, `/api/v1/sessions/${terminal}/shares`, { body: { role: 'viewer' } });
    const link = new URLSearchParams(made.json.link.split('#')[1]);
    const claimed = await call(app, '/api/v1/share-session', { token: null, body: { id: link.get('id'), secret: link.get('s') } });
    const cookie = String(claimed.headers['set-cookie']).split(';')[0];
    const shared = await call(app, '/api/v1/shared', { token: null, cookie });
    assert.is(shared.status, 200, shared.body);
    assert.is(shared.json.session.target.container ?? shared.json.session.target.containers[0], 'nginx');
    assert.is.not(shared.json.session.requestedBy, owners.requestedBy, 'the kubeconfig user is the owner\'s');
    assert.is(shared.json.session.target.context, undefined, 'the context is the owner\'s');
  } finally {
    await app.close();
  }
});

test.run();

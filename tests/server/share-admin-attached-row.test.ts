// A share strips its terminal's row for the people it lets in (shared-row.ts), but an admin (an
// --admin-group member) sees every terminal whole: their `hello` and every `session` message carry
// the owner's person and the terminal's context. When a share also picks the admin (by a group the
// admin is in, as team shares do), the data plane's `attached` gives them the stripped row, and the
// page's list takes it in place of the whole one (ui/state/app-state.ts: `attached` replaces the row):
// the owner's groups and the terminal's context vanish from the admin's page until the row changes.
// Who is shown the stripped row must be decided as the control plane decides it: by whether the
// socket sees the owner, not by whether a share let it in.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { send } from './auth-support.ts';
import { StreamClient, startTestApp, type TestApp } from './support.ts';
import { PROXY_PEER } from './team-sign-in.ts';
import { waitFor } from '../support/wait.ts';
import type { SessionRow } from '../../src/protocol/index.ts';

const test = suite('an admin a share also picks', { deadlineMs: 60_000 });

test("the admin's attached row is the whole row they see everywhere else", async () => {
  const app: TestApp = await startTestApp({ auth: { mode: 'proxy', trustedProxies: [`${PROXY_PEER}/32`] }, adminGroups: ['octant-admins'] });
  const headers = (user: string, groups: readonly string[]) => ({ 'X-Forwarded-User': user, 'X-Forwarded-Groups': groups.join(',') });
  const as = (user: string, groups: readonly string[], path: string, body?: unknown) =>
    send(app.port, `/api/v1${path}`, {
      from: PROXY_PEER,
      headers: { ...headers(user, groups), Origin: app.origin, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const sockets: StreamClient[] = [];
  try {
    const alice = ['alice', ['dev']] as const;
    const carol = ['carol', ['octant-admins', 'platform']] as const;
    const started = await as(...alice, '/exec', { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'auto' } });
    const terminal: string = started.json.sessionIds[0];
    await waitFor(async () => ((await as(...alice, '/sessions')).json.sessions as SessionRow[]).some((s) => s.sessionId === terminal && s.state === 'interactive'), "alice's shell live", 15_000);
    // alice shares it with the platform group, carol among them
    const shared = await as(...alice, `/sessions/${terminal}/shares`, { role: 'viewer', groups: ['platform'] });
    assert.is(shared.status, 201, shared.body);
    const page = await StreamClient.open(app, { as: { headers: headers(...carol), from: PROXY_PEER } });
    sockets.push(page);
    const listed = ((await as(...carol, '/sessions')).json.sessions as SessionRow[]).find((s) => s.sessionId === terminal);
    assert.equal(listed?.person, { user: 'alice', groups: ['dev'] }, 'the admin sees the whole row in the list');
    const attached = await page.attach(terminal);
    assert.equal(attached.session.person, listed!.person, `attached: ${JSON.stringify(attached.session)}`);
    assert.equal(attached.session.replica, listed!.replica);
  } finally {
    for (const socket of sockets) await socket.close();
    await app.close();
  }
});

test.run();

// A share's page learns its role from GET /shared when it loads, and from `shareRole` while its
// socket is attached. A role changed while the page was not attached (its socket dropped and came
// back, a laptop that slept, or between the page's GET /shared and its attach) was never told:
// the page reattached as it was, a "viewer" page that may type stayed read-only, a "participant"
// page kept sending keys the server refuses, its banner wrong either way. An attach through a
// share must say the role it is attached with.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { StreamClient, call, openExec, sessionState, startTestApp, type TestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('share role after a reconnect', { deadlineMs: 60_000 });

test('a participant made a viewer while its socket was gone is told so when it attaches again, and made a participant again likewise', async () => {
  const app: TestApp = await startTestApp({ hub: { shareLeftAfterMs: 100 } });
  const sockets: StreamClient[] = [];
  try {
    const [terminal] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'auto' } });
    await waitFor(async () => (await sessionState(app, terminal))?.state === 'interactive', 'the shell live', 15_000);
    const made = await call(app, `/api/v1/sessions/${terminal}/shares`, { body: { role: 'participant' } });
    const shareId: string = made.json.share.shareId;
    const link = new URLSearchParams(made.json.link.split('#')[1]);
    const claimed = await call(app, '/api/v1/share-session', { token: null, body: { id: link.get('id'), secret: link.get('s') } });
    const as = { as: { headers: { Cookie: String(claimed.headers['set-cookie']).split(';')[0] } } };
    const first = await StreamClient.open(app, as);
    await first.attach(terminal);
    await first.close();

    for (const role of ['viewer', 'participant'] as const) {
      const changed = await call(app, `/api/v1/sessions/${terminal}/shares/${shareId}/watchers`, { body: { who: 'link holder', role } });
      assert.is(changed.status, 200, changed.body);
      const again = await StreamClient.open(app, as);
      sockets.push(again);
      await again.attach(terminal);
      const told = await again.next('shareRole', (m) => m.sessionId === terminal, `the role (${role}) it attached with`, 0, 5_000);
      assert.is(told.role, role);
      await again.close();
    }
  } finally {
    for (const socket of sockets) await socket.close();
    await app.close();
  }
});

test.run();

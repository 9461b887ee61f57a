// A link opened while the shared log's database does not answer: the claim cannot be written yet,
// but it waits in the replica's queue and is written once the database is back. The browser that
// opened the link must not be told it "was already opened in another browser" (nobody else did),
// and once the log has the claim, that browser (and no other) gets in; the link is not left used
// up by a cookie nobody holds.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { call, openExec } from './support.ts';
import { replica } from './replica-pair.ts';

const test = suite('a link opened while the log is down', { deadlineMs: 120_000 });

test('the browser that opened it is not told another did, and gets in once the log has its claim', async () => {
  const sandbox = await startTestSandbox();
  const log = new MemoryLog();
  const app = await replica(log, sandbox.kubeconfigPath);
  try {
    const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
    await waitFor(async () => (await call(app, '/api/v1/sessions')).json.sessions.some((row: { sessionId: string; state: string }) => row.sessionId === id && row.state === 'interactive'), 'the shell');
    const made = await call(app, `/api/v1/sessions/${id}/shares`, { body: { role: 'viewer' } });
    assert.is(made.status, 201, made.body);
    const link = new URLSearchParams(/^\/share#(.*)$/.exec(made.json.link)![1]);
    const body = { id: link.get('id'), secret: link.get('s') };

    log.setAvailable(false);
    const claimed = await call(app, '/api/v1/share-session', { token: null, body });
    assert.is.not(claimed.status, 200, 'nothing is vouched for while the log does not answer');
    assert.not.match(String(claimed.json?.error?.message), 'another browser', `nobody else opened it: ${claimed.body}`);
    log.setAvailable(true);
    await waitFor(() => app.system.shares.byId[link.get('id')!]?.cookieHash !== undefined, 'the queued claim written and read back');

    // the browser that opened it gets in: with the cookie it was given, or by opening the link again
    const cookie = claimed.headers['set-cookie'] ? String(claimed.headers['set-cookie']).split(';')[0] : undefined;
    const shared = cookie ? await call(app, '/api/v1/shared', { token: null, cookie }) : await call(app, '/api/v1/share-session', { token: null, body });
    assert.is(shared.status, 200, `that browser gets in once the log has its claim: ${shared.body}`);
  } finally {
    await app.close();
    await sandbox.close();
  }
});

test.run();

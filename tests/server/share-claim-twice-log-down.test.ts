// A link opened while the shared log's database does not answer gets a 503 with a cookie, its claim
// waiting in the replica's queue (share-links.ts). The page then says to reload in a moment; the
// person, who still has the link in their chat, opens it again instead. While the log is still down
// nothing is claimed yet, so this second sign-in queues a second claim and sets a second cookie of
// the same name: the browser now holds only the second. When the log answers, the first claim is
// written and wins (shares.ts: the first claim wins): the one browser that ever opened the link holds
// a cookie no claim has, and nobody can open the link any more, which is what the 503 was meant to
// prevent ("Without it, nobody could open the link once the claim is written").
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { call, openExec } from './support.ts';
import { replica } from './replica-pair.ts';

const test = suite('a link opened twice while the log is down', { deadlineMs: 120_000 });

test('the browser that opened it twice gets in once the log is back', async () => {
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
    const cookieOf = (answer: { headers: Record<string, unknown> }) => (answer.headers['set-cookie'] ? String(answer.headers['set-cookie']).split(';')[0] : undefined);

    log.setAvailable(false);
    const first = await call(app, '/api/v1/share-session', { token: null, body });
    assert.is(first.status, 503, first.body);
    const held = cookieOf(first);
    assert.ok(held, 'the first opening gave the browser its cookie');
    // the same browser opens the link again (it sends the cookie it holds, as a browser does)
    const again = await call(app, '/api/v1/share-session', { token: null, body, cookie: held });
    // whatever it answers, the browser keeps the cookie it is last given
    const kept = cookieOf(again) ?? held!;
    log.setAvailable(true);
    await waitFor(() => app.system.shares.byId[link.get('id')!]?.cookieHash !== undefined, 'the queued claims written and read back');

    const shared = await call(app, '/api/v1/shared', { token: null, cookie: kept });
    assert.is(shared.status, 200, `the one browser that opened the link gets in: ${shared.body}`);
  } finally {
    await app.close();
    await sandbox.close();
  }
});

test.run();

// A share's watchers are "watching now" while a socket of theirs shows the terminal, and a
// restart of the server that held it clears that (every socket closed). A replica that is lost
// (killed, paused past its lease) took every socket showing its terminals with it too, its
// relayed ones included, but the share list kept them "watching now" for good: the owner's Share
// dialog said so of someone long gone, and their next join (in the terminal's next run, on
// another replica) was not logged, so that run's audit record did not have them.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { StreamClient, call, openExec } from './support.ts';
import { replica } from './replica-pair.ts';

const test = suite('share watchers of a lost replica', { deadlineMs: 120_000 });

test('the watchers of a lost replica\'s terminal are not watching any more; back on the new run, they are logged as joined', async () => {
  const sandbox = await startTestSandbox();
  const log = new MemoryLog();
  const a = await replica(log, sandbox.kubeconfigPath);
  const b = await replica(log, sandbox.kubeconfigPath);
  const pages: StreamClient[] = [];
  try {
    const [id] = await openExec(a, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
    await waitFor(() => b.system.sessionList.byId[id]?.state === 'interactive', 'running, as B sees');
    const made = await call(a, `/api/v1/sessions/${id}/shares`, { body: { role: 'viewer' } });
    const link = new URLSearchParams(/^\/share#(.*)$/.exec(made.json.link)![1]);
    const shareId = link.get('id')!;
    const claimed = await call(a, '/api/v1/share-session', { token: null, body: { id: shareId, secret: link.get('s') } });
    const cookie = String(claimed.headers['set-cookie']).split(';')[0];
    const page = await StreamClient.open(a, { as: { headers: { Cookie: cookie } } });
    pages.push(page);
    await page.attach(id);
    await waitFor(() => b.system.shares.byId[shareId]?.watchers['link holder']?.watching === true, 'B hears the join');

    log.expire(a.system.shared!.replica.id);
    await waitFor(() => b.system.sessionList.byId[id]?.state === 'disconnected', 'B marks it disconnected', 15_000);
    assert.is(b.system.sessionList.byId[id].disconnectReason, 'replicaLost');
    await waitFor(() => b.system.shares.byId[shareId] !== undefined, 'the share list folded');
    assert.is(b.system.shares.byId[shareId].watchers['link holder'].watching, false, 'the lost replica\'s sockets are gone');

    const restarted = await call(b, `/api/v1/sessions/${id}/restart`, { method: 'POST', body: {} });
    assert.is(restarted.status, 200, restarted.body);
    const lostAt = log.entries.findLast((e) => e.type === 'session.disconnected')!.seq;
    const again = await StreamClient.open(b, { as: { headers: { Cookie: cookie } } });
    pages.push(again);
    await again.attach(id);
    await waitFor(() => log.entries.some((e) => e.seq > lostAt && e.type === 'share.joined'), 'the join in the new run logged');
  } finally {
    for (const page of pages) await page.close();
    await b.close();
    await a.close();
    await sandbox.close();
  }
});

test.run();

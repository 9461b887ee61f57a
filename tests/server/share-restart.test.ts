// Shares are server state in the event log: after a restart (the log replayed whole, and from a
// snapshot) a claimed link's cookie still opens its terminal, now ended as "restarted", the share
// list is the same, and the replay of the share facts matches the log.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamClient, call, openExec, sessionState, startTestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-share-restart-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a share and its cookie survive a restart, replayed whole or from a snapshot', async () => {
  const before = await startTestApp({ stateDir: dir });
  const [terminal] = await openExec(before, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'auto' } });
  await waitFor(async () => (await sessionState(before, terminal))?.state === 'interactive', 'the shell to connect', 15_000);
  const made = await call(before, `/api/v1/sessions/${terminal}/shares`, { body: { role: 'participant' } });
  const fragment = new URLSearchParams(made.json.link.split('#')[1]);
  const claimed = await call(before, '/api/v1/share-session', { token: null, body: { id: fragment.get('id'), secret: fragment.get('s') } });
  const cookie = String(claimed.headers['set-cookie']).split(';')[0];
  const viewer = await StreamClient.open(before, { as: { headers: { Cookie: cookie } } });
  await viewer.attach(terminal);
  const listed = (await call(before, `/api/v1/sessions/${terminal}/shares`)).json.shares;
  await viewer.close();
  await before.close();

  for (const from of ['the whole log', 'a snapshot'] as const) {
    // the first start has no snapshot to begin from (removed), the second the one the first wrote on stopping
    if (from === 'the whole log') rmSync(join(dir, 'snapshots'), { recursive: true, force: true });
    const after = await startTestApp({ stateDir: dir });
    try {
      assert.is(after.system.replayReport.divergence, undefined, `${from}: the replay matches the log`);
      assert.is(after.system.replayReport.snapshot === undefined, from === 'the whole log');
      const shared = await call(after, '/api/v1/shared', { token: null, cookie });
      assert.is(shared.status, 200, `${from}: ${shared.body}`);
      assert.equal([shared.json.sessionId, shared.json.role, shared.json.session.state], [terminal, 'participant', 'disconnected']);
      const again = (await call(after, `/api/v1/sessions/${terminal}/shares`)).json.shares;
      // the same share, nobody watching any more (the restart closed every socket)
      assert.equal(again, listed.map((share: { watchers: { watching: boolean }[] }) => ({ ...share, watchers: share.watchers.map((w) => ({ ...w, watching: false })) })));
    } finally {
      await after.close();
    }
  }
});

test.run();

// What an admin's end leaves to say when a batch has nothing running (docs/team-mode.md,
// "Offboarding"), over the sandbox cluster in proxy mode: a person at their
// --max-sessions-per-person limit starts a batch, which waits whole in its queue; the admin ends
// everything they run. The batch stops with no run to tell it on: its owner still gets its alert,
// once, and nobody else does (an alert on a batch alone is its owner's, as the batch is).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Alert, BatchRow } from '../../src/protocol/index.ts';
import { waitFor } from '../support/wait.ts';
import { startTestApp, type TestApp } from './support.ts';
import { asProxyPerson, PROXY_PEER } from './team-sign-in.ts';

const teamMode = { auth: { mode: 'proxy' as const, trustedProxies: [`${PROXY_PEER}/32`] }, adminGroups: ['octant-admins'], maxSessionsPerPerson: 1 };
let app: TestApp;

const as = (user: string, path: string, body?: unknown) => asProxyPerson(app, user, path, body);
const alertsOf = async (user: string) => (await as(user, '/alerts')).json.alerts as Alert[];

test.before(async () => {
  app = await startTestApp(teamMode);
});
test.after(async () => {
  await app?.close();
});

test("an admin ends a person whose batch waits on their limit: the batch's owner is told once that it was stopped, by whom; nobody else is", async () => {
  const shell = await as('alice', '/exec', { namespace: 'batch', pod: 'worker-0', containers: ['main'], command: { argv: ['sleep', '60'] }, interactive: false });
  assert.is(shell.status, 201, shell.body);
  const started = await as('alice', '/batches', { namespace: 'batch', labelSelector: 'app=worker', container: 'main', concurrency: 1, command: { line: 'sleep 60' } });
  assert.is(started.status, 201, started.body);
  const batchId: string = started.json.batchId;
  const batch = ((await as('alice', '/batches')).json.batches as BatchRow[]).find((b) => b.batchId === batchId);
  assert.ok(batch?.results.every((r) => r.state === 'queued'), 'the whole batch waits on her one slot');
  const ended = await as('carol', '/people/alice/end', {});
  assert.is(ended.status, 200, ended.body);
  assert.equal(ended.json.batches, [batchId]);
  const alerts = await waitFor(async () => ((await alertsOf('alice')).length === 2 ? alertsOf('alice') : undefined), "alice's two alerts (her terminal, her batch)");
  const onBatch = alerts.filter((a) => a.batchId === batchId);
  assert.equal(
    onBatch.map((a) => [a.kind, a.sessionId, a.message]),
    [['ended', '', `Batch ${batchId} was stopped by carol, an admin of octant-exec, while none of its commands was running: nothing more of it starts (3 never started).`]],
  );
  assert.equal(await alertsOf('bob'), [], "someone else hears nothing of alice's batch");
  assert.equal(await alertsOf('carol'), [], 'nor does the admin');
  await waitFor(() => app.sandbox!.liveProcessGroups().length === 0, 'her process gone, and nothing of the batch started', 15_000);
});

test.run();

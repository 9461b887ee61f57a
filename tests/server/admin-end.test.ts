// An admin ends other people's terminals (offboarding, docs/team-mode.md), over the sandbox cluster
// in proxy mode: one terminal (a batch's run stops its whole batch), or everything a person runs
// (their batches too). The processes
// really end; the terminals stay their owner's, stopped, saying which admin ended them, in the list,
// the alerts and the audit trail, and after a restart of the server. Nobody else may.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert, AuditRecord, BatchRow, SessionRow } from '../../src/protocol/index.ts';
import { waitFor } from '../support/wait.ts';
import { startTestApp, type TestApp } from './support.ts';
import { asProxyPerson, PROXY_PEER } from './team-sign-in.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-admin-end-'));
const teamMode = { auth: { mode: 'proxy' as const, trustedProxies: [`${PROXY_PEER}/32`] }, adminGroups: ['octant-admins'] };
const sleeper = (pod: string) => ({ namespace: 'batch', pod, containers: ['main'], command: { argv: ['sh', '-c', 'echo started; sleep 60'] }, interactive: false });
let app: TestApp;

const as = (user: string, path: string, body?: unknown) => asProxyPerson(app, user, path, body);
const rowOf = async (user: string, id: string) => ((await as(user, '/sessions')).json.sessions as SessionRow[]).find((s) => s.sessionId === id);
const running = (user: string, id: string) => waitFor(async () => ['interactive', 'idle'].includes((await rowOf(user, id))?.state ?? ''), `${id} running`);
const start = async (user: string, pod: string) => {
  const started = await as(user, '/exec', sleeper(pod));
  assert.is(started.status, 201, started.body);
  const id: string = started.json.sessionIds[0];
  await running(user, id);
  return id;
};

test.before(async () => {
  app = await startTestApp({ stateDir: dir, ...teamMode });
});
test.after(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('nobody but an admin ends a terminal: another person gets the 404 of one they cannot see, its owner a 403; a person is unknown to them', async () => {
  const id = await start('alice', 'worker-1');
  const bobs = await as('bob', `/sessions/${id}/end`, {});
  assert.is(bobs.status, 404);
  assert.is(bobs.body, (await as('bob', `/sessions/${id}/close`, {})).body, 'the answer of every route for a terminal one cannot see');
  const own = await as('alice', `/sessions/${id}/end`, {});
  assert.is(own.status, 403);
  assert.match(own.json.error.message, 'for the admins');
  assert.is((await as('bob', '/people/alice/end', {})).status, 404);
  assert.is((await as('alice', '/people/alice/end', {})).status, 404);
  // a name no sign-in could have (SECURITY.md, bad input 5): refused before anything is done, to an admin too
  for (const name of [`${'a'.repeat(257)}`, '%20alice', 'ali%00ce']) {
    for (const route of ['end', 'sign-out']) {
      const refused = await as('carol', `/people/${name}/${route}`, {});
      assert.is(refused.status, 400, `${route} of ${name.slice(0, 12)}`);
      assert.match(refused.json.error.message, "The person's name ");
    }
  }
  assert.is((await as('bob', `/people/${'a'.repeat(257)}/end`, {})).status, 404, 'to anyone else, as any person');
  assert.is((await rowOf('alice', id))?.state, 'interactive', 'it still runs');
  assert.is((await as('alice', `/sessions/${id}/close`, {})).status, 200);
  await waitFor(() => app.sandbox!.liveProcessGroups().length === 0, 'its process gone with the close', 15_000);
});

test("an admin ends one terminal: its process ends, it stays its owner's, stopped, saying who, in the list, the alerts and the audit trail", async () => {
  const id = await start('alice', 'worker-1');
  const ended = await as('carol', `/sessions/${id}/end`, {});
  assert.is(ended.status, 200, ended.body);
  assert.equal(ended.json, { sessionId: id, ended: true });
  const row = await rowOf('alice', id);
  assert.equal([row?.state, row?.stopReason, row?.stoppedBy], ['stopped', 'endedByAdmin', 'carol']);
  await waitFor(() => app.sandbox!.liveProcessGroups().length === 0, 'the ended process gone', 15_000);
  const alerts = (await as('alice', '/alerts')).json.alerts as Alert[];
  assert.equal(alerts.filter((a) => a.sessionId === id).map((a) => [a.kind, /ended by carol/.test(a.message)]), [['ended', true]], 'its owner is told');
  assert.equal((await as('carol', '/alerts')).json.alerts, [], "the admin is not alerted of another's terminal");
  const records = (await as('carol', '/audit')).json.records as AuditRecord[];
  assert.equal(records.find((r) => r.sessionId === id)?.outcome, { kind: 'stopped', because: 'endedByAdmin', by: 'carol' });
  assert.equal((await as('carol', `/sessions/${id}/end`, {})).json, { sessionId: id, ended: false }, 'ended already');
});

const batchOf = async (user: string, batchId: string) => ((await as(user, '/batches')).json.batches as BatchRow[]).find((b) => b.batchId === batchId);

test("an admin ends a run of a batch: the whole batch stops, by them, its next target never starting, its run and record say who, and its owner is told", async () => {
  const started = await as('alice', '/batches', { namespace: 'batch', labelSelector: 'app=worker', container: 'main', concurrency: 1, command: { line: "sh -c 'echo started; sleep 60'" } });
  assert.is(started.status, 201, started.body);
  const batchId: string = started.json.batchId;
  const run = await waitFor(async () => (await batchOf('alice', batchId))?.results.find((r) => r.state === 'running')?.sessionId, 'its first run');
  await running('alice', run);
  const ended = await as('carol', `/sessions/${run}/end`, {});
  assert.is(ended.status, 200, ended.body);
  assert.equal(ended.json, { sessionId: run, ended: true, batch: batchId }, 'the answer names the batch stopped with it');
  const done = await waitFor(async () => ((await batchOf('alice', batchId))?.state === 'done' ? batchOf('alice', batchId) : undefined), 'the batch done');
  assert.equal([done?.stopped?.because, done?.stopped?.by], ['cancelled', 'carol'], 'stopped by the admin');
  assert.equal(done?.results.filter((r) => r.sessionId).map((r) => r.sessionId), [run], 'no other target started');
  assert.equal([done?.totals.cancelled, done?.totals.notStarted], [1, 2]);
  await waitFor(() => app.sandbox!.liveProcessGroups().length === 0, 'its process gone, and none started', 15_000);
  const row = await rowOf('alice', run);
  assert.equal([row?.state, row?.stopReason, row?.stoppedBy], ['stopped', 'batchCancelled', 'carol'], 'its run says who stopped it, as an ended terminal does');
  const records = (await as('carol', '/audit')).json.records as AuditRecord[];
  assert.equal(records.find((r) => r.sessionId === run)?.outcome, { kind: 'stopped', because: 'batchCancelled', by: 'carol' }, 'and so does its audit record');
  const alerts = (await as('alice', '/alerts')).json.alerts as Alert[];
  assert.equal(alerts.filter((a) => a.sessionId === run).map((a) => [a.kind, a.message.includes(`Batch ${batchId} was stopped by carol`)]), [['ended', true]], 'its owner is told, once');
  assert.equal((await as('carol', '/alerts')).json.alerts, [], 'the admin is not');
  assert.is((await as('alice', `/sessions/${run}/close`, {})).status, 200);
});

test("an admin ends everything a person runs: their terminals and batches end, someone else's terminal goes on", async () => {
  const first = await start('alice', 'worker-1');
  const second = await start('alice', 'worker-2');
  const carols = await start('carol', 'worker-0');
  const batch = await as('alice', '/batches', { namespace: 'batch', labelSelector: 'app=worker', container: 'main', concurrency: 1, command: { line: "sh -c 'echo started; sleep 60'" } });
  assert.is(batch.status, 201, batch.body);
  const batchId: string = batch.json.batchId;
  await waitFor(() => app.sandbox!.liveProcessGroups().length === 4, 'the batch running its first target');
  const ended = await as('carol', '/people/alice/end', {});
  assert.is(ended.status, 200, ended.body);
  assert.equal(ended.json.user, 'alice');
  assert.equal([...ended.json.ended].sort(), [first, second].sort());
  assert.equal(ended.json.batches, [batchId]);
  for (const id of [first, second]) assert.equal((await rowOf('alice', id))?.stoppedBy, 'carol');
  const done = ((await as('alice', '/batches')).json.batches as BatchRow[]).find((b) => b.batchId === batchId);
  assert.equal([done?.state, done?.stopped?.by], ['done', 'carol']);
  assert.equal(done?.totals.notStarted, 2, 'nothing more of it started');
  await waitFor(() => app.sandbox!.liveProcessGroups().length === 1, "only carol's own process left", 15_000);
  assert.is((await rowOf('carol', carols))?.state, 'interactive');
  assert.equal((await as('carol', '/people/alice/end', {})).json, { user: 'alice', ended: [], batches: [] }, 'nothing left of hers to end');
});

test('a restart of the server shows the same ended terminals, and who ended them (the replay: tests/runtime/admin-end-replay)', async () => {
  const before = ((await as('carol', '/sessions')).json.sessions as SessionRow[]).filter((row) => row.stopReason === 'endedByAdmin');
  assert.is(before.length, 3);
  await app.close();
  app = await startTestApp({ stateDir: dir, ...teamMode });
  const after = ((await as('carol', '/sessions')).json.sessions as SessionRow[]).filter((row) => before.some((b) => b.sessionId === row.sessionId));
  assert.equal(after.map((row) => [row.sessionId, row.state, row.stopReason, row.stoppedBy]), before.map((row) => [row.sessionId, 'stopped', 'endedByAdmin', 'carol']));
});

test.run();

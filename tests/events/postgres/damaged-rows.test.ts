// Rows of the database log are checked as lines of the file log are: one that is not the shape of
// its type (written by hand, or by another version) is skipped and named, at a start, as it comes
// in and when read, and a replica still starts. And a log compacted past every snapshot this
// version reads refuses a start, as the file log does, rather than replaying what is left.
import { suite } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../../src/adapters/fake-exec.ts';
import { PgStore } from '../../../src/events/postgres/pg-store.ts';
import { ExecSystem } from '../../../src/runtime/exec-system.ts';
import { SHARED_SNAPSHOT_FORMAT } from '../../../src/runtime/system-snapshot.ts';
import { startCluster, type PgCluster } from '../../support/postgres.ts';
import { entries, idOf, recorder } from '../../support/shared-store-events.ts';
import { shellIn } from '../../support/system.ts';
import { waitFor } from '../../support/wait.ts';

const test = suite<{ cluster: PgCluster }>('PostgreSQL store: damaged rows', { context: {} as { cluster: PgCluster } });

test.before(async (context) => {
  context.cluster = await startCluster();
});

test.after(async ({ cluster }) => {
  await cluster?.remove();
});

const databaseOf = (url: string) => new URL(url).pathname.slice(1);

test('a row not the shape of its type is skipped and named at a start, once as it comes in, and by read', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const warnings: string[] = [];
  const store = await PgStore.open({ url, advertise: 'http://a:1', pollMs: 20, warn: (w) => warnings.push(w) });
  try {
    store.append(entries('a', 1, 5));
    await store.flushed(5_000);
    await cluster.admin(databaseOf(url), `UPDATE entries SET body = '{"type":"session.spawned","sessionId":"x","command":null,"time":1}' WHERE seq = 3`);
    await cluster.admin(databaseOf(url), `UPDATE entries SET body = '{"type":"session.res' WHERE seq = 5`);
    const start = await store.start(() => true);
    assert.equal(start.entries.map((e) => e.seq), [1, 2, 4]);
    assert.equal(start.damage.map((d) => d.seq), [3, 5]);
    assert.match(start.damage[1].problem, /not JSON/);
    assert.equal((await store.read(0, 3)).map((e) => e.seq), [1, 2, 4], 'a page still holds as many entries as asked, past the damaged rows');

    warnings.length = 0;
    const seen = recorder();
    store.listen(seen, 4); // the last entry the start had: the damaged row 5 comes next
    await waitFor(() => warnings.some((w) => w.includes('entry 5 skipped')), 'the warning about row 5');
    store.append(entries('a', 6, 2));
    await waitFor(() => seen.delivered.length === 2, 'the entries written after it');
    assert.equal(seen.delivered.map(idOf), ['a-6', 'a-7']);
    assert.is(warnings.filter((w) => w.includes('entry 5 skipped')).length, 1, `said once, not at every poll: ${warnings.join(' | ')}`);
  } finally {
    await store.close();
  }
});

test('a replica starts on a log with a damaged row, reports it, and runs terminals', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const first = await PgStore.open({ url, advertise: 'http://a:1' });
  const adapter = new FakeExecAdapter((s) => void s.open());
  let system = ExecSystem.openShared({ adapter, store: first, start: await first.start((f) => f === SHARED_SNAPSHOT_FORMAT), snapshots: false, warn: () => {} });
  const ran = system.exec(shellIn('web'), ['nginx']);
  assert.ok('sessionIds' in ran);
  await waitFor(() => adapter.live().length > 0, 'its stream');
  adapter.live()[0].exit(0);
  await system.settled();
  await system.shutdown(); // closes its store

  await cluster.admin(databaseOf(url), `UPDATE entries SET body = jsonb_set(body::jsonb, '{command}', 'null')::text WHERE type = 'session.spawned'`);
  await cluster.admin(databaseOf(url), `UPDATE entries SET body = '{' WHERE seq = (SELECT max(seq) FROM entries)`);
  const warnings: string[] = [];
  const store = await PgStore.open({ url, advertise: 'http://b:1', warn: (w) => warnings.push(w) });
  try {
    system = ExecSystem.openShared({ adapter, store, start: await store.start((f) => f === SHARED_SNAPSHOT_FORMAT), snapshots: false, warn: (w) => warnings.push(w) });
    assert.equal(system.replayReport.damage.length, 2, 'the spawned entry without its command, and the last one');
    const again = system.exec(shellIn('web'), ['nginx']);
    assert.ok('sessionIds' in again, 'it runs terminals');
    await waitFor(() => system.sessionList.byId[again.sessionIds[0]], 'the new terminal, as the store delivers it');
    assert.is(warnings.filter((w) => /event log: entry \d+ skipped/.test(w)).length, 2, `each said once, the last one not again as the replica reads on: ${warnings.join(' | ')}`);
  } finally {
    await system.shutdown();
  }
});

test('a log compacted past every snapshot this version reads refuses a start, saying what to do', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const store = await PgStore.open({ url, advertise: 'http://a:1' });
  try {
    store.append(entries('a', 1, 6));
    await store.flushed(5_000);
    await cluster.admin(databaseOf(url), 'UPDATE meta SET compacted_through = 4');
    const refusal = (accept: number) => store.start((f) => f === accept).then(() => 'it started', (error: Error) => error.message);
    assert.match(await refusal(1), /compacted through entry 4, and no snapshot of a format this octant-exec reads covers it: run the octant-exec that wrote it, or restore the snapshots table/);
    await store.putSnapshot({ seq: 4, format: 1, time: 4, state: {} });
    const start = await store.start((f) => f === 1);
    assert.equal([start.snapshot?.seq, start.entries.map((e) => e.seq)], [4, [5, 6]]);
    assert.match(await refusal(2), /no snapshot of a format this octant-exec reads/, 'a snapshot in a format it does not read does not count');
  } finally {
    await store.close();
  }
});

test.run();

// Snapshots and compaction in PostgreSQL: the newest three snapshots kept, a start from the newest
// usable one plus what follows, and compaction deciding exactly as the file store does (the same
// planner: the in-memory store is the reference), one replica at a time.
import { suite } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import type { LogEntry } from '../../../src/events/log-entry.ts';
import { COMPACTION_LOCK } from '../../../src/events/postgres/compaction.ts';
import { PgStore } from '../../../src/events/postgres/pg-store.ts';
import type { UnnumberedEntry } from '../../../src/events/shared-store.ts';
import { MemoryStore } from '../../../src/events/store.ts';
import { startCluster, testClient, type PgCluster } from '../../support/postgres.ts';
import { entries } from '../../support/shared-store-events.ts';

const test = suite<{ cluster: PgCluster }>('PostgreSQL store: snapshots and compaction', { context: {} as { cluster: PgCluster } });

test.before(async (context) => {
  context.cluster = await startCluster();
});

test.after(async ({ cluster }) => {
  await cluster?.remove();
});

const databaseOf = (url: string) => new URL(url).pathname.slice(1);

test('the newest three snapshots are kept; a start takes the newest it accepts and can read, and the entries after it', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const warnings: string[] = [];
  const store = await PgStore.open({ url, advertise: 'http://a:1', warn: (w) => warnings.push(w) });
  try {
    store.append(entries('a', 0, 10));
    await store.flushed(5_000);
    for (const seq of [2, 4, 6]) await store.putSnapshot({ seq, format: 1, time: seq, state: { upTo: seq } });
    await store.putSnapshot({ seq: 8, format: 2, time: 8, state: { upTo: 8, shape: 'new' } });
    const newest = await store.start(() => true);
    assert.equal(newest.snapshot, { seq: 8, format: 2, time: 8, state: { upTo: 8, shape: 'new' } });
    assert.equal(newest.entries.map((e) => e.seq), [9, 10]);
    const older = await store.start((format) => format === 1);
    assert.is(older.snapshot?.seq, 6, 'a format not accepted is passed over');
    assert.equal(older.entries.map((e) => e.seq), [7, 8, 9, 10]);
    await cluster.admin(databaseOf(url), "UPDATE snapshots SET state = '{\"upTo\":' WHERE seq = 6");
    const damaged = await store.start((format) => format === 1);
    assert.is(damaged.snapshot?.seq, 4, 'a snapshot that does not parse is passed over');
    assert.match(warnings.join('\n'), /snapshot 6 in the store is skipped/);
    assert.is((await store.start((format) => format === 0)).snapshot, undefined, 'snapshot 2 is gone: three are kept');
    assert.is((await store.start((format) => format === 0)).entries.length, 10, 'no snapshot: the whole log');
  } finally {
    await store.close();
  }
});

/** s1 ran and exited long ago and was closed; s2 exited but is not closed; s3 still runs. */
function history(): UnnumberedEntry[] {
  const old = 1_000;
  const spawned = (sessionId: string): UnnumberedEntry => ({
    type: 'session.spawned',
    sessionId,
    requestId: `r-${sessionId}`,
    target: { namespace: 'ns', pod: 'web', container: 'app' },
    command: { argv: ['sh'] },
    interactive: true,
    requestedBy: 'ada',
    idleTimeoutMs: 60_000,
    time: old,
  });
  const run = (sessionId: string, activity: number): UnnumberedEntry[] => [
    spawned(sessionId),
    { type: 'session.connecting', sessionId, run: 1, argv: ['sh'], time: old + 1 },
    { type: 'session.connected', sessionId, protocol: 'v5.channel.k8s.io', time: old + 2 },
    ...Array.from({ length: activity }, (_, i): UnnumberedEntry => ({ type: 'session.activity', sessionId, time: old + 3 + i })),
  ];
  return [
    ...run('s1', 3),
    ...run('s2', 4),
    ...run('s3', 5),
    { type: 'session.exited', sessionId: 's1', code: 0, time: old + 20 },
    { type: 'session.closed', sessionId: 's1', time: old + 21 },
    { type: 'session.exited', sessionId: 's2', code: 1, time: old + 22 },
    { type: 'session.activity', sessionId: 's3', time: old + 23 },
  ];
}

test('compaction removes and rewrites what the file store would, keeps the rest, and records how far it went', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const store = await PgStore.open({ url, advertise: 'http://a:1' });
  try {
    store.append(history());
    await store.flushed(5_000);
    const stored = await store.read(0, 1_000);
    const reference = new MemoryStore();
    for (const entry of stored) reference.append(entry);
    const nothing = { removed: 0, auditRecords: 0, rewritten: 0 };
    assert.equal(await store.compact({ through: 5 }), nothing, 'the first run\'s activity: it has not ended by then');
    assert.is(await store.compactedThrough(), 0, 'a compaction that removes nothing marks nothing: any snapshot can still start a replica');
    assert.equal([await reference.compact({ through: 5 }), reference.compactedThrough()], [nothing, 0], 'nor does the memory store');
    const through = stored.at(-2)!.seq; // the last activity of s3 is after it
    const policy = { through, expireBefore: 10_000 };
    const expected = await reference.compact(policy);
    const report = await store.compact(policy);
    assert.equal(report, expected, 'the same report');
    assert.ok(report.removed > 5 && report.auditRecords === 1, `${report.removed} removed, ${report.auditRecords} audit record`);
    assert.equal(await store.read(0, 1_000), reference.entries as LogEntry[], 'the same log');
    assert.is(await store.compactedThrough(), through);
    assert.equal(await store.compact({ through: 2 }), nothing, 'nothing left to do');
    assert.is(await store.compactedThrough(), through, 'compactedThrough never goes back');
  } finally {
    await store.close();
  }
});

test('while one replica compacts, another is told busy', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const store = await PgStore.open({ url, advertise: 'http://a:1' });
  const other = testClient({ connectionString: url });
  await other.connect();
  try {
    await other.query('SELECT pg_advisory_lock($1)', [COMPACTION_LOCK]); // as another replica's compaction
    const report = await store.compact({ through: 0 });
    assert.match(report.busy ?? 'not busy', /another replica is compacting/);
    await other.query('SELECT pg_advisory_unlock($1)', [COMPACTION_LOCK]);
    assert.is((await store.compact({ through: 0 })).busy, undefined);
  } finally {
    await other.end();
    await store.close();
  }
});

test.run();

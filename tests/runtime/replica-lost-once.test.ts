// A lost replica's terminal is ended once in the shared log (PostgreSQL), whoever claims the
// replica and however often: a second claimer whose lists are behind the first one's write, or
// the first writing it again, adds no second end to the log, and no second alert to its owner.
// The store decides it as it writes (append-batch.ts, onceKey), not a claimer's lists. The same
// terminal lost again with another replica (adopted, restarted there, that one lost) is ended again.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { LogEntry } from '../../src/events/log-entry.ts';
import { PgStore } from '../../src/events/postgres/pg-store.ts';
import type { UnnumberedEntry } from '../../src/events/shared-store.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { ReplicaWatch } from '../../src/runtime/replica-watch.ts';
import { startCluster, type PgCluster } from '../support/postgres.ts';
import { pgReplica, type PgReplica } from '../support/pg-replica.ts';
import { listening } from '../support/shared-store-events.ts';
import { shellIn } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';

const test = suite<{ cluster: PgCluster }>("a lost replica's terminals ended once", { context: {} as { cluster: PgCluster } });

test.before(async (context) => {
  context.cluster = await startCluster();
});

test.after(async ({ cluster }) => {
  await cluster?.remove();
});

/** a live replica that judges the others after its own short lease, so the test need not wait the default 10 s */
const LIVE = { leaseMs: 1_000, heartbeatMs: 250 };

const disconnections = (log: LogEntry[], sessionId: string) => log.filter((e) => e.type === 'session.disconnected' && e.sessionId === sessionId).length;
const alertsOf = (system: ExecSystem, sessionId: string) => system.alerts.list.filter((a) => a.kind === 'disconnected' && a.sessionId === sessionId).length;

test("two claimers of one lost replica, the first one writing twice: each terminal's end once in the log, one alert each", async ({ cluster }) => {
  const url = await cluster.createDatabase();
  // never renewed: as a replica SIGKILLed once its terminals run
  const lost = await pgReplica(url, 'http://lost:1', { leaseMs: 500, heartbeatMs: 3_600_000 });
  const [b, c] = [await pgReplica(url, 'http://b:1', LIVE), await pgReplica(url, 'http://c:1', LIVE)];
  const watch = new ReplicaWatch(b.system, b.store, () => {}, 200);
  let fresh: PgReplica | undefined;
  try {
    const started = lost.system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
    assert.ok('sessionIds' in started);
    const ids = started.sessionIds;
    await lost.system.settled();
    await waitFor(() => ids.every((id) => c.system.sessionList.byId[id]?.state === 'interactive'), 'the terminals run, as C lists them');
    const behind = { sessionList: c.system.sessionList, batches: c.system.batches }; // C's lists, before they hear B's write

    await watch.start();
    await waitFor(() => ids.every((id) => c.system.sessionList.byId[id]?.disconnectReason === 'replicaLost'), 'B to claim the lost replica and end its terminals', 10_000);
    // C claims it too with lists behind B's write (as one handed the claim would), and B once more
    const ended = c.system.shared!.endRunsOf(lost.store.replica, behind, Date.now());
    assert.equal(ended.terminals, ids, 'C takes them for running');
    b.system.shared!.endRunsOf(lost.store.replica, behind, Date.now());
    await Promise.all([b.system.settled(), c.system.settled()]);

    const log = await c.store.read(0, 10_000);
    for (const id of ids) assert.is(disconnections(log, id), 1, `${id} ended once in the log`);
    fresh = await pgReplica(url, 'http://fresh:1', LIVE); // folds the whole log
    for (const r of [b, c, fresh]) for (const id of ids) assert.is(alertsOf(r.system, id), 1, `one alert for ${id}`);
  } finally {
    await watch.close();
    for (const r of [fresh, c, b, lost]) await r?.system.shutdown();
  }
});

const lostEnd = (sessionId: string, holder: string, detail: string): UnnumberedEntry => ({ type: 'session.disconnected', sessionId, reason: 'replicaLost', replica: holder, detail, time: 1_700_000_000_000 });

test("the store keeps a terminal's end by a lost replica once, from one write or two replicas'; a loss of another holder, or another reason, is kept each time", async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const [a, b] = await Promise.all([listening(await PgStore.open({ url, advertise: 'http://a:1' })), listening(await PgStore.open({ url, advertise: 'http://b:1' }))]);
  try {
    a.store.append([lostEnd('l00001-t1', 'l00001', 'first'), lostEnd('l00001-t1', 'l00001', 'twice in one write')]);
    await a.store.flushed(5_000);
    b.store.append([lostEnd('l00001-t1', 'l00001', 'by another replica')]); // nothing of it stored: flushed still resolves
    await b.store.flushed(5_000);
    b.store.append([lostEnd('l00001-t1', 'l00001', 'with another terminal'), lostEnd('l00001-t2', 'l00001', 'the other terminal')]);
    await b.store.flushed(5_000);
    const dropped = { type: 'session.disconnected', sessionId: 'l00001-t1', reason: 'streamDropped', time: 1_700_000_000_000 } as const;
    a.store.append([lostEnd('l00001-t1', 'm00001', 'adopted by m00001, restarted there, and m00001 lost'), dropped, dropped]);
    await a.store.flushed(5_000);
    const kept = (await a.store.read(0, 100)).map((e) => (e.type === 'session.disconnected' ? `${e.sessionId} ${e.reason} ${e.detail ?? ''}` : e.type));
    assert.equal(kept, ['l00001-t1 replicaLost first', 'l00001-t2 replicaLost the other terminal', 'l00001-t1 replicaLost adopted by m00001, restarted there, and m00001 lost', 'l00001-t1 streamDropped ', 'l00001-t1 streamDropped ']);
    await waitFor(() => b.seen.delivered.length === kept.length, 'B to be delivered what is stored');
  } finally {
    await Promise.all([a.store.close(), b.store.close()]);
  }
});

test.run();

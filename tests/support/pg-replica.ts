// A replica of the actor system on a PostgreSQL log, for runtime tests: its own store (its lease
// as given, else the store's), a fake cluster whose every exec opens, no snapshots of its own.
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { PgStore } from '../../src/events/postgres/pg-store.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { SHARED_SNAPSHOT_FORMAT } from '../../src/runtime/system-snapshot.ts';

export type PgReplica = Awaited<ReturnType<typeof pgReplica>>;

export async function pgReplica(url: string, advertise: string, lease?: { leaseMs: number; heartbeatMs: number }) {
  const store = await PgStore.open({ url, advertise, ...lease });
  const adapter = new FakeExecAdapter((s) => void s.open());
  const system = ExecSystem.openShared({ adapter, store, start: await store.start((format) => format === SHARED_SNAPSHOT_FORMAT), snapshots: false, warn: () => {} });
  return { store, adapter, system };
}

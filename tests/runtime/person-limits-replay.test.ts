// The limits per person decide from the logged inputs alone: a replay of the log derives the same
// refusals, the same waits of a batch and the same closes past the ended cap, in the same order.
// A close past the cap is logged with the cap then in force, so a replay with the cap raised since
// closes the same; a start from a snapshot keeps the order terminals ended in.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import type { Person } from '../../src/domain/person.ts';
import { MemoryStore } from '../../src/events/store.ts';
import type { SupervisorConfig } from '../../src/machines/supervisor.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { settle, shellIn, t0 } from '../support/system.ts';

const test = suite('limits per person: replay');
const alice: Person = { user: 'alice', groups: ['dev'] };
const bob: Person = { user: 'bob', groups: ['dev'] };
const limits: Partial<SupervisorConfig> = { maxLiveSessions: 10, maxLiveSessionsPerPerson: 2, maxEndedPerPerson: 2 };
const shellFor = (person: Person, pod: string) => shellIn(pod, ['nginx'], { requestedBy: person.user, person });
const open = (store: MemoryStore, config: Partial<SupervisorConfig>, adapter = new FakeExecAdapter((s) => void s.open())) =>
  ExecSystem.open({ adapter, store, config, clock: (start) => new VirtualClock(Math.max(start, t0)), snapshots: false });
const replayOf = (store: MemoryStore, config: Partial<SupervisorConfig>) => ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store, config, clock: (start) => new VirtualClock(start), fromSnapshot: false });
const view = (system: ExecSystem) => ({ sessions: system.sessionList, batches: system.batches.byId });

/** Alice past both caps (a refusal, a batch that waited, two closes past the ended cap); bob beside her. */
async function busyLog(): Promise<{ store: MemoryStore; system: ExecSystem }> {
  const store = new MemoryStore();
  const adapter = new FakeExecAdapter((s) => void s.open());
  const system = open(store, limits, adapter);
  const end = async (pod: string) => {
    adapter.streams.find((s) => s.request.target.pod === pod && !s.isEnded)!.exit(0);
    await settle();
    system.clock.advanceBy(1_000);
  };
  system.exec(shellFor(alice, 'a'), ['nginx']);
  system.batch({ argv: ['hostname'], requestedBy: 'alice', person: alice, concurrency: 3 }, [0, 1, 2].map((i) => ({ namespace: 'batch', pod: `w${i}`, container: 'main' })), []);
  assert.ok('refused' in system.exec(shellFor(alice, 'b'), ['nginx']));
  system.exec(shellFor(bob, 'c'), ['nginx']);
  await settle();
  for (const pod of ['w0', 'a', 'w1', 'c', 'w2']) await end(pod);
  return { store, system };
}

test('a replay from the first entry derives the same refusal, waits and closes', async () => {
  const { store, system } = await busyLog();
  const closed = system.entries().filter((e) => e.type === 'session.closed').map((e) => e.sessionId);
  assert.equal(closed, ['t2', 't1'], "alice's oldest-ended, in the order they ended");
  assert.equal(system.batches.byId.b1.totals.succeeded, 3);
  const replayed = replayOf(store, limits);
  assert.is(replayed.replayReport.divergence, undefined);
  assert.equal(view(replayed), view(system));
});

test('a replay with the ended cap raised since closes what the log closed, without diverging', async () => {
  const { store, system } = await busyLog();
  const replayed = replayOf(store, { ...limits, maxEndedPerPerson: 50 });
  assert.is(replayed.replayReport.divergence, undefined);
  assert.equal(view(replayed), view(system));
});

test('a start from a snapshot keeps the order they ended: the next end closes the oldest-ended of before', async () => {
  const store = new MemoryStore();
  const adapter = new FakeExecAdapter((s) => void s.open());
  const first = open(store, limits, adapter);
  first.exec(shellFor(alice, 'a'), ['nginx']);
  first.exec(shellFor(alice, 'b'), ['nginx']);
  await settle();
  adapter.streams[1].exit(0); // t2 ends before t1
  await settle();
  adapter.streams[0].exit(0);
  assert.ok(first.writeSnapshot());
  await first.shutdown();
  const later = new FakeExecAdapter((s) => void s.open());
  const second = open(store, limits, later);
  assert.is(second.replayReport.snapshot?.seq, store.snapshots()[0].seq, 'started from the snapshot');
  second.exec(shellFor(alice, 'c'), ['nginx']);
  await settle();
  later.streams[0].exit(0);
  assert.equal(second.sessionList.order, ['t1', 't3'], 't2 ended longest ago: it goes, not t1 that started first');
  assert.is(replayOf(store, limits).replayReport.divergence, undefined);
});

test("a snapshot of a build before the limits (no owners): each session's owner is its row's, not everyone's one person", async () => {
  const store = new MemoryStore();
  const adapter = new FakeExecAdapter((s) => void s.open());
  const before = open(store, { maxLiveSessions: 10 }, adapter);
  for (const [person, pod] of [[alice, 'a'], [alice, 'b'], [bob, 'c'], [bob, 'd']] as const) before.exec(shellFor(person, pod), ['nginx']);
  await settle();
  for (const stream of adapter.streams.slice(0, 3)) stream.exit(0); // bob's t4 runs on
  await settle();
  assert.ok(before.writeSnapshot());
  // as the older build wrote it (then the process is gone: no stop, no later snapshot)
  const snapshot = store.snapshots()[0].load() as { state: { supervisor: { context: { sessions: Record<string, { owner?: string }> } } } };
  for (const session of Object.values(snapshot.state.supervisor.context.sessions)) delete session.owner;
  store.putSnapshot(snapshot as never);
  // t4, running at the crash, is marked ended at the start: bob's second ended terminal, within his cap
  const after = open(store, limits);
  await settle();
  assert.equal(after.entries().filter((e) => e.type === 'session.closed').map((e) => e.sessionId), [], "nobody's closed: alice and bob keep 2 each");
  assert.equal(after.sessionList.order, ['t1', 't2', 't3', 't4']);
});

test('a start after a crash with the ended cap lowered: the replay closes only what the log closed, and the lower cap applies from the next end', async () => {
  const { store } = await busyLog(); // alice keeps 2 ended (t3, t4: the cap of 2), nothing written at a stop
  const later = new FakeExecAdapter((s) => void s.open());
  const after = open(store, { ...limits, maxEndedPerPerson: 1 }, later);
  assert.is(after.replayReport.divergence, undefined, 'the replay closed nothing the log kept');
  const aliceEnded = () => after.sessionList.order.filter((id) => after.sessionList.byId[id].person?.user === 'alice');
  assert.equal(aliceEnded().length, 2, 'listed as the log left them');
  after.exec(shellFor(alice, 'e'), ['nginx']);
  await settle();
  later.streams[0].exit(0);
  await settle();
  assert.equal(aliceEnded().length, 1, 'her next end keeps the new cap');
  assert.is(replayOf(store, limits).replayReport.divergence, undefined);
});

test.run();

// The supervisor's limits per person (docs/team-mode.md, "Limits"): one person at their cap of
// running terminals leaves room for everyone else, their batches wait for their own slot, and past
// their cap of ended terminals their oldest-ended close on their own, logged with why.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { ExecTarget } from '../../src/domain/target.ts';
import type { Person } from '../../src/domain/person.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';

const test = suite('supervisor: limits per person');
const alice: Person = { user: 'alice', groups: ['dev'] };
const bob: Person = { user: 'bob', groups: ['dev'] };
const shellFor = (person: Person | undefined, pod = 'web') => shellIn(pod, ['nginx'], { requestedBy: person?.user ?? 'tester', ...(person ? { person } : {}) });
const targets = (n: number): ExecTarget[] => Array.from({ length: n }, (_, i) => ({ namespace: 'batch', pod: `worker-${i}`, container: 'main' }));
const streamOf = (adapter: ReturnType<typeof makeSystem>['adapter'], pod: string) => adapter.streams.find((s) => s.request.target.pod === pod && !s.isEnded)!;

test('a person at their cap is refused with a sentence; another person still gets a terminal', async () => {
  const { system, adapter } = makeSystem({ config: { maxLiveSessions: 10, maxLiveSessionsPerPerson: 2 }, script: (s) => void s.open() });
  assert.ok('sessionIds' in system.exec(shellFor(alice), ['nginx']));
  assert.ok('sessionIds' in system.exec(shellFor(alice), ['nginx']));
  const refused = system.exec(shellFor(alice), ['nginx']);
  assert.ok('refused' in refused, 'a third of her own is one too many');
  assert.is(refused.refused, 'You have 2 terminals running, and one person may run at most 2 at once on this server. Close or end one of yours (an ended terminal does not count), then try again.');
  assert.is(adapter.streams.length, 2, 'nothing started for it');
  assert.ok('sessionIds' in system.exec(shellFor(bob), ['nginx']), 'bob is not held by her terminals');
  assert.ok('refused' in system.exec(shellIn('web', 'all', { requestedBy: 'bob', person: bob }), ['nginx', 'sidecar']), 'an action of two containers passes his cap of 2 with one running');
  await settle();
  adapter.streams[0].exit(0);
  assert.ok('sessionIds' in system.exec(shellFor(alice), ['nginx']), 'an ended terminal frees her slot');
  assert.equal(system.restart('t1'), { refused: 'You have 2 terminals running, and one person may run at most 2 at once on this server. Close or end one of yours (an ended terminal does not count), then try again.' }, 'a restart at her cap is refused too (429)');
});

test('local mode (no person) has no cap of its own: --max-sessions alone holds', () => {
  const { system } = makeSystem({ config: { maxLiveSessions: 4, maxLiveSessionsPerPerson: 1 } });
  for (let i = 0; i < 4; i++) assert.ok('sessionIds' in system.exec(shellFor(undefined), ['nginx']));
  assert.match((system.exec(shellFor(undefined), ['nginx']) as { refused: string }).refused, /--max-sessions/);
});

test("a batch's runs wait for their person's slot, as for the server's, and all run in the end", async () => {
  const { system, adapter } = makeSystem({ config: { maxLiveSessions: 10, maxLiveSessionsPerPerson: 2 }, script: (s) => void s.open() });
  system.exec(shellFor(alice), ['nginx']);
  system.batch({ argv: ['hostname'], requestedBy: 'alice', person: alice, concurrency: 4 }, targets(3), []);
  await settle();
  assert.equal(adapter.live().map((s) => s.request.target.pod), ['web', 'worker-0'], 'one run beside her shell: her cap is 2');
  assert.ok('sessionIds' in system.exec(shellFor(bob), ['nginx']), 'the rest of the server is not taken by her queue');
  assert.ok('refused' in system.exec(shellFor(alice), ['nginx']), 'her queued runs hold no slot, her running ones do');
  streamOf(adapter, 'web').exit(0); // her shell ends: the next run starts in its slot
  await settle();
  assert.equal(system.batches.byId.b1.results.map((r) => r.state), ['running', 'running', 'queued']);
  streamOf(adapter, 'worker-0').exit(0);
  await settle();
  streamOf(adapter, 'worker-1').exit(0);
  streamOf(adapter, 'worker-2').exit(0);
  const batch = system.batches.byId.b1;
  assert.is(batch.state, 'done');
  assert.equal(batch.totals, { succeeded: 3, failed: 0, skipped: 0, notStarted: 0, cancelled: 0 }, 'waited, never refused');
});

test("past a person's cap of ended terminals, their oldest-ended close on their own, oldest first, logged with why", async () => {
  const { system, adapter } = makeSystem({ config: { maxEndedPerPerson: 2 }, script: (s) => void s.open() });
  for (const pod of ['a', 'b', 'c']) system.exec(shellFor(alice, pod), ['nginx']);
  system.exec(shellFor(bob, 'd'), ['nginx']);
  await settle();
  streamOf(adapter, 'd').exit(0);
  streamOf(adapter, 'b').exit(0); // t2 ends first, then t1: the order they ended, not the order they started
  streamOf(adapter, 'a').exit(0);
  assert.equal(system.sessionList.order, ['t1', 't2', 't3', 't4'], 'two ended of hers: kept');
  streamOf(adapter, 'c').exit(0);
  assert.equal(system.sessionList.order, ['t1', 't3', 't4'], 'her third ended: t2, which ended longest ago, is closed; bob keeps his');
  const closed = system.entries().filter((e) => e.type === 'session.closed');
  assert.equal(closed.map(({ seq: _s, time: _t, ...e }) => e), [{ type: 'session.closed', sessionId: 't2', because: 'tooManyEnded', kept: 2 }]);
  assert.equal(system.entries().slice(-2).map((e) => `${e.type} ${'sessionId' in e ? e.sessionId : ''}`), ['session.closed t2', 'session.exited t3'], 'in the step of the end that passed the cap, just before it');
  // a restart takes one out of the ended; its new end makes it the newest-ended
  const again = system.restart('t1');
  assert.ok(again && 'run' in again);
  await settle();
  streamOf(adapter, 'a').exit(0);
  assert.equal(system.sessionList.order, ['t1', 't3', 't4'], 'still two of hers ended');
  system.exec(shellFor(alice, 'e'), ['nginx']);
  await settle();
  streamOf(adapter, 'e').exit(0);
  assert.equal(system.sessionList.order, ['t1', 't4', 't5'], 't3 ended before t1 ended again: it goes');
  assert.is(system.close('t3'), false, 'already closed');
});

test('local mode keeps ended terminals within the cap too (its one person)', async () => {
  const { system, adapter } = makeSystem({ config: { maxEndedPerPerson: 1 }, script: (s) => void s.open() });
  system.exec(shellFor(undefined, 'a'), ['nginx']);
  system.batch({ argv: ['hostname'], requestedBy: 'tester', concurrency: 1 }, targets(1), []);
  await settle();
  streamOf(adapter, 'worker-0').exit(0);
  streamOf(adapter, 'a').exit(0);
  assert.equal(system.sessionList.order, ['t1'], "the batch's run ended first: it counts as the person's, and went first");
  assert.equal(system.batches.byId.b1.results.map((r) => r.state), ['exited'], 'its result stays');
});

test.run();

// The server's own pod watches (src/server/pod-guard.ts): one per namespace of the terminals this
// server holds, looked at once per turn; kept LINGER_MS after the last terminal there ended, so
// that short execs one after another do not each list and watch the namespace again.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { LINGER_MS, SessionPodGuard, type GuardTimers } from '../../src/server/pod-guard.ts';
import type { ExecSystem } from '../../src/runtime/exec-system.ts';
import type { PodListener, PodWatching } from '../../src/adapters/cluster.ts';
import type { PodSummary } from '../../src/domain/pod.ts';
import { KubePodWatches } from '../../src/adapters/kubernetes/pod-watches.ts';
import type { ClusterReader } from '../../src/adapters/kubernetes/cluster.ts';
import type { SessionRow } from '../../src/protocol/index.ts';

function guarded() {
  const listeners: ((entry: { type: string }) => void)[] = [];
  const rows: Record<string, SessionRow> = {};
  const order: string[] = [];
  let sessionListReads = 0;
  const system = {
    get sessionList() {
      sessionListReads++;
      return { order, byId: rows };
    },
    holds: () => true,
    onEntry: (listener: (entry: { type: string }) => void) => (listeners.push(listener), () => {}),
    podDeleted: (id: string) => deleted.push(id),
  } as unknown as ExecSystem;
  let subscribed = 0;
  const watched: string[] = [];
  const deleted: string[] = [];
  /** each watch's listener, by namespace: what the cluster's lists tell the guard */
  const lists = new Map<string, PodListener>();
  const watches = {
    subscribe: (_context: string | undefined, namespace: string, listener: PodListener) => {
      subscribed++;
      watched.push(namespace);
      lists.set(namespace, listener);
      return () => watched.splice(watched.indexOf(namespace), 1);
    },
  } as unknown as PodWatching;
  const timers = new Map<number, { fn: () => void; ms: number }>();
  let nextTimer = 1;
  let soon: (() => void)[] = [];
  const manual: GuardTimers = {
    set: (fn, ms) => (timers.set(nextTimer, { fn, ms }), nextTimer++),
    clear: (id) => timers.delete(id as number),
    soon: (fn) => void soon.push(fn),
  };
  const guard = new SessionPodGuard(system, watches, manual);
  /** Entries of one turn: each terminal's state as given, then the turn ends. */
  const turn = (states: Record<string, [state: string, namespace: string]>) => {
    for (const [id, [state, namespace]] of Object.entries(states)) {
      if (!order.includes(id)) order.push(id);
      rows[id] = { sessionId: id, state, target: { namespace, pod: `${id}-pod`, container: 'main' } } as unknown as SessionRow;
      for (const listener of listeners) listener({ type: 'session.changed' });
    }
    const due = soon;
    soon = [];
    for (const fn of due) fn();
  };
  const lingerFires = () => {
    const due = [...timers].filter(([, t]) => t.ms === LINGER_MS);
    for (const [id, t] of due) {
      timers.delete(id);
      t.fn();
    }
    return due.length;
  };
  return { guard, watched, turn, lingerFires, timers, subscribed: () => subscribed, reads: () => sessionListReads, lists, deleted };
}

test('a namespace is watched while a terminal there runs, and for LINGER_MS after the last one ended', () => {
  const { guard, watched, turn, lingerFires } = guarded();
  turn({ t1: ['connecting', 'batch'] });
  assert.equal(watched, ['batch']);
  turn({ t1: ['exited', 'batch'] });
  assert.equal(watched, ['batch'], 'still watched right after its last terminal ended');
  assert.is(lingerFires(), 1);
  assert.equal(watched, [], 'stopped once the linger ran out');
  guard.close();
});

test('a terminal that starts while its namespace lingers takes the same watch, and it is kept while it runs', () => {
  const { guard, watched, turn, lingerFires, subscribed } = guarded();
  turn({ t1: ['interactive', 'batch'] });
  turn({ t1: ['exited', 'batch'] });
  turn({ t2: ['connecting', 'batch'] });
  assert.is(subscribed(), 1, 'no second list and watch of the namespace');
  assert.is(lingerFires(), 0, 'the stop was called off');
  assert.equal(watched, ['batch']);
  turn({ t2: ['exited', 'batch'] });
  assert.is(lingerFires(), 1);
  assert.equal(watched, []);
  guard.close();
});

test('one look at the terminals per turn, however many entries it had', () => {
  const { guard, turn, reads, watched } = guarded();
  const before = reads();
  turn({ t1: ['connecting', 'a'], t2: ['connecting', 'b'], t3: ['connecting', 'a'] });
  assert.is(reads() - before, 1);
  assert.equal(watched.sort(), ['a', 'b']);
  guard.close();
});

test('closing the guard stops its watches, lingering ones too, and their timers', () => {
  const { guard, watched, turn, timers } = guarded();
  turn({ t1: ['interactive', 'a'], t2: ['interactive', 'b'] });
  turn({ t1: ['exited', 'a'] });
  assert.is(timers.size, 1);
  guard.close();
  assert.equal(watched, []);
  assert.is(timers.size, 0);
});

test('a pod missing from a list read after its terminal connected is gone (deleted before the watch began); a list from before says nothing', () => {
  const { guard, turn, lists, deleted } = guarded();
  const pod = (name: string) => ({ name }) as PodSummary;
  turn({ t1: ['connecting', 'batch'] });
  const list = lists.get('batch')!;
  list.pods([], performance.now()); // read while it connects: its pod may be too new for it
  turn({ t1: ['interactive', 'batch'] });
  const before = performance.now() - 60_000; // a lingering watch's list, read before it connected
  list.pods([pod('other')], before);
  assert.equal(deleted, [], 'a list from before it connected, or while it did, ends nothing');
  list.pods([pod('t1-pod'), pod('other')], performance.now());
  assert.equal(deleted, [], 'its pod is there');
  list.pods([pod('other')], performance.now());
  assert.equal(deleted, ['t1'], 'read after it connected, without its pod: gone');
  guard.close();
});

test('a pod made while the first list was on its way, and connected to before its answer, is not taken for gone', async () => {
  // a cluster whose list is as of when it is asked, answered when the test says so
  const inCluster = new Set(['a']);
  let answer!: () => void;
  const reader = {
    podList: () => {
      const asOfNow = [...inCluster].map((name) => ({ metadata: { name, namespace: 'batch' }, spec: { containers: [] }, status: {} }));
      return new Promise((resolve) => (answer = () => resolve({ pods: asOfNow, resourceVersion: '1' })));
    },
    config: () => {
      throw new Error('no watch after the list in this test');
    },
  };
  const watches = new KubePodWatches(reader as unknown as ClusterReader);
  const rows: Record<string, SessionRow> = {};
  const order: string[] = [];
  const listeners: ((entry: { type: string }) => void)[] = [];
  const deleted: string[] = [];
  const soon: (() => void)[] = [];
  const system = {
    sessionList: { order, byId: rows },
    holds: () => true,
    onEntry: (listener: (entry: { type: string }) => void) => (listeners.push(listener), () => {}),
    podDeleted: (id: string) => deleted.push(id),
  } as unknown as ExecSystem;
  const guard = new SessionPodGuard(system, watches, { set: () => 0, clear: () => {}, soon: (fn) => void soon.push(fn) });
  const state = (id: string, pod: string, now: string) => {
    if (!order.includes(id)) order.push(id);
    rows[id] = { sessionId: id, state: now, target: { namespace: 'batch', pod, container: 'main' } } as unknown as SessionRow;
    for (const listener of listeners) listener({ type: 'session.changed' });
    for (const fn of soon.splice(0)) fn();
  };
  state('t0', 'a', 'connecting'); // the namespace's first terminal: its list is asked for now
  inCluster.add('a-copy'); // a debug copy, made and running meanwhile
  state('t1', 'a-copy', 'connecting');
  state('t1', 'a-copy', 'interactive');
  await new Promise((resolve) => setTimeout(resolve, 5));
  answer(); // the list, as of when it was asked: without the copy
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(deleted, [], 'the copy was made after the list was asked for: its absence says nothing');
  guard.close();
  watches.close();
});

test.run();

// The server's own pod watches (src/server/pod-guard.ts): one per namespace of the terminals this
// server holds, from the moment a terminal's exec is connected (not while it connects: the watch's
// requests would compete with the exec for the API server) until none there runs.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { SessionPodGuard } from '../../src/server/pod-guard.ts';
import type { ExecSystem } from '../../src/runtime/exec-system.ts';
import type { PodWatching } from '../../src/adapters/cluster.ts';
import type { SessionRow } from '../../src/protocol/index.ts';

function guarded() {
  const listeners: (() => void)[] = [];
  const rows: Record<string, SessionRow> = {};
  const system = {
    sessionList: { order: ['t1'], byId: rows },
    holds: () => true,
    onEntry: (listener: () => void) => (listeners.push(listener), () => {}),
  } as unknown as ExecSystem;
  const watched: string[] = [];
  const watches = {
    subscribe: (_context: string | undefined, namespace: string) => {
      watched.push(namespace);
      return () => watched.splice(watched.indexOf(namespace), 1);
    },
  } as unknown as PodWatching;
  const guard = new SessionPodGuard(system, watches);
  const state = (value: string) => {
    rows.t1 = { sessionId: 't1', state: value, target: { namespace: 'batch', pod: 'worker-0', container: 'main' } } as unknown as SessionRow;
    for (const listener of listeners) (listener as (entry: { type: string }) => void)({ type: 'session.changed' });
  };
  return { guard, watched, state };
}

test('a terminal whose exec connects is not watched yet; once connected its namespace is, until it ends', () => {
  const { guard, watched, state } = guarded();
  state('connecting');
  assert.equal(watched, [], 'no list and watch on the way to the first byte');
  state('interactive');
  assert.equal(watched, ['batch']);
  state('exited');
  assert.equal(watched, []);
  guard.close();
});

test.run();

// DebugCopies remembers why a copy was deleted, for a Restart of its terminal while it is still
// listed. A closed terminal is gone from the list and can never restart: nothing about it may
// stay, or a long-running server keeps one entry for every copy it ever made.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { DebugCopies } from '../../src/server/debug-copies.ts';
import type { ExecSystem } from '../../src/runtime/exec-system.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';

function fakeSystem() {
  let listener: (entry: LogEntry) => void = () => {};
  const system = {
    sessionList: { order: [], byId: {} },
    onEntry: (fn: (entry: LogEntry) => void) => ((listener = fn), () => {}),
  } as unknown as ExecSystem;
  return { system, hear: (entry: Record<string, unknown>) => listener(entry as unknown as LogEntry) };
}

const target = { namespace: 'default', pod: 'crashloop-debug-bcdfg', container: 'app' };

test('a closed copy terminal leaves nothing behind; a timed-out one says why it cannot restart', async () => {
  const { system, hear } = fakeSystem();
  const deleted: string[] = [];
  const copies = new DebugCopies(system, { deleteCopy: async ({ pod }) => void deleted.push(pod) }, () => {}, false);
  hear({ type: 'session.spawned', sessionId: 't1', target, mode: { kind: 'copy', source: 'crashloop' } });
  hear({ type: 'session.spawned', sessionId: 't2', target: { ...target, pod: 'crashloop-debug-hjklm' }, mode: { kind: 'copy', source: 'crashloop' } });
  hear({ type: 'session.closed', sessionId: 't1' });
  hear({ type: 'session.timedOut', sessionId: 't2' });
  await copies.settled();
  assert.equal(deleted, ['crashloop-debug-bcdfg', 'crashloop-debug-hjklm']);
  assert.is(copies.restartRefusal('t1'), undefined, 'a closed terminal is forgotten');
  assert.match(copies.restartRefusal('t2') ?? '', 'was deleted (its terminal timed out)');
  hear({ type: 'session.closed', sessionId: 't2' });
  assert.is(copies.restartRefusal('t2'), undefined);
  await copies.close();
});

test.run();

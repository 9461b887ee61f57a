// Closing a batch's terminal while it runs must free its slot in the batch: the batch goes on
// with its queue and finishes, instead of waiting forever on a terminal that is gone, and its
// result says it was closed (the batch page showed it running for ever).
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { ExecTarget } from '../../src/domain/target.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('closing a running batch terminal', { deadlineMs: 10_000 });
const targets = (n: number): ExecTarget[] => Array.from({ length: n }, (_, i) => ({ namespace: 'batch', pod: `worker-${i}`, container: 'main' }));
const action = (concurrency: number) => ({ argv: ['true'], requestedBy: 'tester', concurrency });

test('the next queued target starts and the batch finishes', async () => {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  system.batch(action(1), targets(2), []);
  await settle();
  assert.is(adapter.live().length, 1);
  assert.ok(system.close('t1'));
  await settle();
  assert.is(adapter.streams.length, 2, 'the queued target started once the running one was closed');
  adapter.streams[1].exit(0);
  await settle();
  assert.is(system.batches.byId.b1.state, 'done');
  assert.is(system.entries().filter((e) => e.type === 'batch.finished').length, 1);
});

test('closing the only running terminal of a batch finishes it', async () => {
  const { system } = makeSystem({ script: (s) => void s.open() });
  system.batch(action(1), targets(1), []);
  await settle();
  system.close('t1');
  await settle();
  assert.is(system.batches.byId.b1.state, 'done');
  // its result says so, counted as failed: the command's ending is not known
  assert.is(system.batches.byId.b1.results[0].state, 'closed');
  assert.equal(system.batches.byId.b1.totals, { succeeded: 0, failed: 1, skipped: 0, notStarted: 0, cancelled: 0 });
});

test('a live terminal closed frees a slot that a held-back batch takes', async () => {
  const { system, adapter } = makeSystem({ config: { maxLiveSessions: 1 }, script: (s) => void s.open() });
  system.exec(shellIn('web'), ['nginx']);
  await settle();
  system.batch(action(1), targets(1), []);
  await settle();
  assert.is(adapter.streams.length, 1, 'held back by the limit');
  system.close('t1');
  await settle();
  assert.is(adapter.streams.length, 2, 'the batch started in the slot the close freed');
});

test('a restarted batch terminal counts again: concurrency holds and the batch waits for it', async () => {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  system.batch(action(1), targets(3), []);
  await settle();
  adapter.streams[0].exit(1); // t1 ends, t2 starts
  await settle();
  assert.is(adapter.live().length, 1);
  // the batch has room for one at a time: t1's restart makes two running, and when both end the
  // batch must not run two at once from then on nor finish while one still runs
  system.restart('t1');
  await settle();
  adapter.live()[0].exit(0);
  await settle();
  adapter.live()[0].exit(0);
  await settle();
  for (let i = 0; i < 5 && adapter.live().length; i++) {
    assert.ok(adapter.live().length <= 2);
    adapter.live()[0].exit(0);
    await settle();
  }
  assert.is(system.batches.byId.b1.state, 'done');
  const finished = system.entries().findIndex((e) => e.type === 'batch.finished');
  const lastEnd = system.entries().findLastIndex((e) => e.type === 'session.exited');
  assert.ok(finished > lastEnd, 'batch.finished comes after every one of its terminals ended');
});

test('a batch terminal live at a snapshot: the start after it ends the run and finishes the batch', () =>
  withTempDir(async (dir) => {
    const first = makeSystem({ store: new FileStore(dir), script: (s) => void s.open() });
    first.system.batch(action(1), targets(2), []);
    await settle();
    first.clock.advanceBy(1_000);
    assert.ok(first.system.writeSnapshot());
    const second = makeSystem({ store: new FileStore(dir) });
    assert.ok(second.system.replayReport.snapshot);
    assert.is(second.system.sessionList.byId.t1.state, 'disconnected');
    assert.is(second.system.batches.byId.b1.state, 'done');
  }));

test.run();

// The recordings' read turns (src/server/fair-turns.ts): a person whose download reads slowly, or
// who asks for several, holds one turn at most, so another person's download is not kept waiting
// behind them; at most so many at once, in the order asked.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FairTurns } from '../../src/server/fair-turns.ts';

const test = suite('fair read turns', { deadlineMs: 10_000 });

/** A turn's work that runs until `finish` is called; `started` says whether its turn came. */
function heldWork(turns: FairTurns<string>, key: string, log: string[]) {
  let finish!: () => void;
  let started = false;
  const done = turns.take(key, () => {
    started = true;
    log.push(`${key} started`);
    return new Promise<void>((resolve) => (finish = resolve));
  });
  return { done, started: () => started, finish: () => finish() };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test("one person's second read waits for their first, while another person's starts at once", async () => {
  const log: string[] = [];
  const turns = new FairTurns<string>(2);
  const aliceFirst = heldWork(turns, 'alice', log);
  const aliceSecond = heldWork(turns, 'alice', log);
  const bob = heldWork(turns, 'bob', log);
  await settle();
  assert.ok(aliceFirst.started() && bob.started(), 'alice and bob each have a turn');
  assert.not.ok(aliceSecond.started(), "alice's second read waits, though she asked before bob");
  aliceFirst.finish();
  await aliceFirst.done;
  await settle();
  assert.ok(aliceSecond.started(), 'her second read takes the turn her first let go');
  bob.finish();
  aliceSecond.finish();
  await Promise.all([bob.done, aliceSecond.done]);
  assert.equal(log, ['alice started', 'bob started', 'alice started']);
});

test('no more than the turns at once: the next in the order asked starts when one ends, and a failed read lets its turn go', async () => {
  const log: string[] = [];
  const turns = new FairTurns<string>(2);
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((key) => heldWork(turns, key, log));
  await settle();
  assert.equal(log, ['a started', 'b started']);
  const failing = turns.take('e', () => Promise.reject(new Error('the file is gone')));
  b.finish();
  await b.done;
  await settle();
  assert.equal(log, ['a started', 'b started', 'c started']);
  a.finish();
  await a.done;
  await settle();
  assert.equal(log, ['a started', 'b started', 'c started', 'd started']);
  c.finish();
  assert.is(await failing.then(() => 'it resolved', (error: Error) => error.message), 'the file is gone', "the read's failure reaches its caller");
  d.finish();
  await d.done;
  // every turn was let go: a new read starts at once
  const after = heldWork(turns, 'a', log);
  const other = heldWork(turns, 'b', log);
  await settle();
  assert.ok(after.started() && other.started());
  after.finish();
  other.finish();
});

test.run();

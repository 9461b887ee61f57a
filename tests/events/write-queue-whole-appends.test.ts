// A replica's write queue (PostgreSQL) puts what one append gave (one step of the actors: an input
// and the facts it caused) in one transaction, never split between two, even at the batch bound.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { BATCH_MAX, WriteQueue } from '../../src/events/postgres/write-queue.ts';
import type { UnnumberedEntry } from '../../src/events/shared-store.ts';

const test = suite('the write queue of a shared log');

const idle = (n: number): UnnumberedEntry => ({ type: 'session.idle', sessionId: `t${n}`, time: n });
const step = (from: number, count: number) => Array.from({ length: count }, (_, i) => idle(from + i));

test('a batch ends between two appends: one that would pass the bound goes whole in the next', () => {
  const queue = new WriteQueue(10_000);
  for (let i = 0; i < BATCH_MAX - 1; i++) queue.add([idle(i)]);
  queue.add(step(BATCH_MAX, 3));
  const first = queue.batch();
  assert.is(first.length, BATCH_MAX - 1, 'not the first entry of the step without the rest');
  queue.taken(first);
  assert.equal(queue.batch().map((b) => b.entry.time), [BATCH_MAX, BATCH_MAX + 1, BATCH_MAX + 2]);
  assert.is(queue.size, 3);
});

test('an append longer than the bound is one batch; local numbers run on in order', () => {
  const queue = new WriteQueue(10_000);
  queue.add(step(0, BATCH_MAX + 5));
  queue.add([idle(9)]);
  const first = queue.batch();
  assert.is(first.length, BATCH_MAX + 5);
  queue.taken(first);
  assert.equal(queue.batch().map((b) => b.localNo), [BATCH_MAX + 6]);
  assert.is(queue.drop(), 1);
  assert.is(queue.size, 0);
});

test('past the bound nothing of an append is queued', () => {
  const queue = new WriteQueue(4);
  queue.add(step(0, 3));
  assert.throws(() => queue.add(step(3, 2)), /has not taken the last 3 entries/);
  assert.is(queue.size, 3);
});

test.run();

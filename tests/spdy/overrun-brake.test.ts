// The session's last brake on a peer that ignores its windows: reading stops once, when the first
// stream passes its window, and starts again only when every stream past it has drained or gone.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { OverrunBrake } from '../../src/spdy/overrun-brake.ts';

const test = suite('overrun brake');

function brake() {
  const calls: string[] = [];
  return { calls, brake: new OverrunBrake(100, { stop: () => calls.push('stop'), start: () => calls.push('start') }) };
}

test('within the window nothing stops; past it reading stops once, and starts when drained to the window', () => {
  const { calls, brake: b } = brake();
  const stream = {};
  b.received(stream, 100);
  assert.equal(calls, [], 'a full window is not an overrun');
  b.received(stream, 101);
  b.received(stream, 500);
  assert.equal(calls, ['stop']);
  b.drained(stream, 101);
  assert.equal(calls, ['stop'], 'still past its window');
  b.drained(stream, 100);
  assert.equal(calls, ['stop', 'start']);
  b.drained(stream, 0);
  assert.equal(calls, ['stop', 'start'], 'a stream that was not overrun starts nothing');
});

test('two streams past their windows: reading starts again only when both have drained or gone', () => {
  const { calls, brake: b } = brake();
  const [one, two] = [{}, {}];
  b.received(one, 200);
  b.received(two, 200);
  assert.equal(calls, ['stop']);
  b.drained(one, 0); // reset or closed
  assert.equal(calls, ['stop']);
  b.drained(two, 50);
  assert.equal(calls, ['stop', 'start']);
});

test.run();

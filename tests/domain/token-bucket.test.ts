// The token bucket reads the wall clock (Date.now), which can step back (NTP, a resumed VM, an
// operator setting the time). A step back is no time passing: it must not drain the bucket and
// lock out a socket's input, or every sign-in, for as long as the step was.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { TokenBucket } from '../../src/domain/token-bucket.ts';

const test = suite('token bucket', { deadlineMs: 5_000 });

test('a clock that steps back an hour does not empty the bucket', () => {
  let now = 1_000_000_000;
  const bucket = new TokenBucket(10, 20, () => now);
  assert.ok(bucket.take(5));
  now -= 3_600_000;
  assert.ok(bucket.take(1), 'tokens left before the step are still there');
  now += 1_000;
  assert.ok(bucket.take(10), 'a second later the bucket has refilled as usual');
});

test('after a step back, time passing from the new reading refills as usual', () => {
  let now = 5_000_000;
  const bucket = new TokenBucket(10, 20, () => now);
  assert.ok(bucket.take(20));
  now -= 60_000;
  assert.not.ok(bucket.take(1), 'no time passed: still empty');
  now += 500;
  assert.ok(bucket.take(5), 'half a second later: five tokens');
  assert.not.ok(bucket.take(1));
});

test.run();

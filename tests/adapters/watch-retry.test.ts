// How long a pod watch waits to start again after it ended (src/adapters/kubernetes/watch-retry.ts):
// ends close together double the wait up to a minute; a pod event, or a watch that lasted two
// minutes (an API server's request timeout ends watches routinely), puts it back to a second.
import * as assert from 'uvu/assert';
import { test } from '../support/test.ts';
import { WORKED_FOR_MS, WatchRetry } from '../../src/adapters/kubernetes/watch-retry.ts';

function clocked() {
  const clock = { ms: 0 };
  return { clock, retry: new WatchRetry(() => clock.ms) };
}

test('ends close together (a list refused, a watch cut at once) double the wait, up to a minute', () => {
  const { retry } = clocked();
  const waits = Array.from({ length: 9 }, () => retry.ended());
  assert.equal(waits, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
});

test('a pod event through the watch puts the wait back to a second', () => {
  const { retry } = clocked();
  for (let i = 0; i < 5; i++) retry.ended();
  retry.watching();
  retry.worked();
  assert.is(retry.ended(), 1000);
  assert.is(retry.ended(), 2000);
});

test("a watch that lasted two minutes with no event (a quiet namespace, the API server's timeout) ends and starts again after a second", () => {
  const { clock, retry } = clocked();
  for (let i = 0; i < 8; i++) retry.ended(); // hours of routine ends before the fix made each wait a minute
  retry.watching();
  clock.ms += WORKED_FOR_MS;
  assert.is(retry.ended(), 1000);
});

test('a watch cut sooner than that is still trouble: the wait goes on doubling, and a list that fails measures no watch', () => {
  const { clock, retry } = clocked();
  for (let i = 0; i < 3; i++) retry.ended();
  retry.watching();
  clock.ms += WORKED_FOR_MS - 1;
  assert.is(retry.ended(), 8000);
  clock.ms += WORKED_FOR_MS; // waited, then the list failed: not a watch that lasted
  assert.is(retry.ended(), 16000);
});

test.run();

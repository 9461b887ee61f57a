// A batch as the API and the page get it says why a run was disconnected in a sentence, not as
// the log's code (`serverShutdown`); a reason the cluster gave in words stays as it is.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { batchView } from '../../src/server/batch-view.ts';
import { makeSystem, settle } from '../support/system.ts';

const test = suite('batch view');
const targets = ['worker-0', 'worker-1'].map((pod) => ({ namespace: 'batch', pod, container: 'main' }));

test('a disconnect is said in words: the server stopping, or the stream dropping with what the cluster said', async () => {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  system.batch({ argv: ['sleep', '60'], requestedBy: 'tester', concurrency: 2 }, targets, []);
  await settle();
  adapter.streams[1].drop('connection reset by peer');
  await system.shutdown();
  const reasons = batchView(system.batches.byId.b1).results.map((r) => [r.target.pod, r.reason]);
  assert.equal(reasons, [
    ['worker-0', 'octant-exec was stopped'],
    ['worker-1', 'connection reset by peer'],
  ]);
});

test.run();

// A batch's skipped containers are bounded as its targets are: each is a result in the batch's log
// entry and in every `batch` message, so a selector over a namespace of Completed Job pods is
// refused with a sentence that says what to do, and nothing runs.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { PodFixture } from '../../src/sandbox/fixture/fixture.ts';
import { call, startTestApp, type TestApp } from './support.ts';

const test = suite('batch API: skipped containers bounded', { deadlineMs: 120_000 });
let app: TestApp;

// 103 Completed pods of 10 containers each (1030 not running) and one running pod
const completed = (i: number): PodFixture => ({
  name: `job-${i}`,
  labels: { app: 'job' },
  containers: Array.from({ length: 10 }, (_, c) => ({ name: `step-${c}`, state: { terminated: { exitCode: 0, reason: 'Completed' } } })),
});

test.before(async () => {
  app = await startTestApp({
    sandboxOptions: {
      isolation: 'none',
      fixture: { namespaces: [{ name: 'jobs', pods: [...Array.from({ length: 103 }, (_, i) => completed(i)), { name: 'live', labels: { app: 'job' }, containers: [{ name: 'main', shells: ['sh'] }] }] }] },
    },
  });
});
test.after(async () => {
  await app?.close();
});

test('a selector matching 1030 containers that are not running is a 400 that says so, and starts nothing', async () => {
  const res = await call(app, '/api/v1/batches', { body: { namespace: 'jobs', labelSelector: 'app=job', allContainers: true, command: { argv: ['true'] } } });
  assert.is(res.status, 400, res.body);
  assert.match(res.json.error.message, /1030 containers that are not running/, res.body);
  assert.match(res.json.error.message, /narrow the selector.*The first: Container "step-0" is terminated \(Completed\)/);
  assert.equal((await call(app, '/api/v1/batches')).json.batches, []);
  assert.equal((await call(app, '/api/v1/sessions')).json.sessions, []);
});

test('the one running container alone still runs', async () => {
  const res = await call(app, '/api/v1/batches', { body: { namespace: 'jobs', pods: ['live'], command: { argv: ['true'] } } });
  assert.is(res.status, 201, res.body);
  assert.equal(res.json.targets.map((t: { pod: string }) => t.pod), ['live']);
});

test.run();

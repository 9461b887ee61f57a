// POST /api/v1/batches and the batch summaries, against the sandbox cluster: every container of
// the worker pods, a failing container, a container that is not running, bodies that are refused
// before any cluster call, the concurrency limit as the cluster sees it, and the socket's live
// `batch` messages.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { StreamClient, call, startTestApp, type MessageOf, type TestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('batch API');
let app: TestApp;
let tab: StreamClient;

test.before(async () => {
  app = await startTestApp();
  tab = await StreamClient.open(app);
});
test.after(async () => {
  await tab?.close();
  await app?.close();
});

async function startBatch(body: Record<string, unknown>) {
  const res = await call(app, '/api/v1/batches', { body });
  assert.is(res.status, 201, res.body);
  return res.json as { batchId: string; targets: { pod: string; container: string }[]; skipped: { target: { pod: string; container: string }; reason: string }[] };
}

/** The socket's last `batch` message once that batch is done. */
async function finished(batchId: string): Promise<MessageOf<'batch'>['batch']> {
  const done = await tab.next('batch', (m) => m.batch.batchId === batchId && m.batch.state === 'done', `batch ${batchId} done`);
  return done.batch;
}

const where = (r: { target: { pod: string; container: string } }) => `${r.target.pod}/${r.target.container}`;

test('-l app=worker in every container: six results, each exit 0 with its own pod name in its output', async () => {
  const started = await startBatch({ namespace: 'batch', labelSelector: 'app=worker', allContainers: true, command: { argv: ['sh', '-c', 'echo $HOSTNAME'] } });
  assert.is(started.targets.length, 6);
  assert.equal(started.skipped, []);
  const batch = await finished(started.batchId);
  assert.equal(batch.totals, { succeeded: 6, failed: 0, skipped: 0, notStarted: 0, cancelled: 0 });
  assert.equal(batch.argv, ['sh', '-c', 'echo $HOSTNAME']);
  assert.is(batch.requestedBy, (await call(app, '/api/v1/info')).json.user);
  assert.equal(batch.results.map(where).sort(), ['worker-0/logger', 'worker-0/main', 'worker-1/logger', 'worker-1/main', 'worker-2/logger', 'worker-2/main']);
  for (const result of batch.results) {
    assert.is(result.state, 'exited', where(result));
    assert.is(result.exitCode, 0, where(result));
    assert.type(result.durationMs, 'number');
    // batch sessions are ordinary terminals: their output is attached like any other
    const id = result.sessionId!; // every result ran: none was skipped
    await tab.attach(id);
    await tab.waitForText(id, `${result.target.pod}\n`);
    assert.is(tab.text(id).trim(), result.target.pod);
  }
  const listed = await call(app, '/api/v1/batches');
  assert.is(listed.status, 200);
  assert.ok(listed.json.batches.some((b: { batchId: string }) => b.batchId === started.batchId));
  const one = await call(app, `/api/v1/batches/${started.batchId}`);
  assert.equal(one.json.batch, batch);
});

test('a failing container counts as failed, and is listed first', async () => {
  const started = await startBatch({ namespace: 'batch', labelSelector: 'app=worker', container: 'main', command: { line: "sh -c 'test $HOSTNAME != worker-1'" } });
  const batch = await finished(started.batchId);
  assert.equal(batch.totals, { succeeded: 2, failed: 1, skipped: 0, notStarted: 0, cancelled: 0 });
  assert.is(where(batch.results[0]), 'worker-1/main');
  assert.is(batch.results[0].exitCode, 1);
  assert.ok(batch.results.slice(1).every((r) => r.exitCode === 0));
});

test('a container that is not running is skipped with its reason, and the rest still runs', async () => {
  const started = await startBatch({ namespace: 'default', pods: ['web', 'crashloop'], command: { argv: ['true'] } });
  assert.equal(started.targets.map((t) => `${t.pod}/${t.container}`), ['web/nginx']);
  assert.is(started.skipped.length, 1);
  assert.is(where(started.skipped[0]), 'crashloop/app');
  assert.match(started.skipped[0].reason, /CrashLoopBackOff/);
  const batch = await finished(started.batchId);
  assert.equal(batch.totals, { succeeded: 1, failed: 0, skipped: 1, notStarted: 0, cancelled: 0 });
  const skipped = batch.results.find((r) => r.state === 'skipped');
  assert.ok(skipped, 'a skipped result');
  assert.is(where(skipped), 'crashloop/app');
  assert.match(skipped.reason ?? '', /CrashLoopBackOff/);
  assert.is(where(batch.results[0]), 'crashloop/app', 'what did not succeed comes first');
});

test('skipped targets come back in the order asked: a missing pod among the others, in its place', async () => {
  const started = await startBatch({ namespace: 'default', pods: ['crashloop', 'no-such-pod', 'web'], command: { argv: ['true'] } });
  assert.equal(started.skipped.map(where), ['crashloop/app', 'no-such-pod/*']);
  await finished(started.batchId);
});

test('a cancel starts nothing more and stops what runs: its process ends, its terminal stays with its output, said cancelled; the rest not started', async () => {
  const started = await startBatch({ namespace: 'batch', labelSelector: 'app=worker', container: 'main', concurrency: 1, command: { line: "sh -c 'echo started; sleep 60'" } });
  const running = await tab.next('batch', (m) => m.batch.batchId === started.batchId && m.batch.results.some((r) => r.state === 'running'), 'one running');
  const sessionId = running.batch.results.find((r) => r.state === 'running')!.sessionId!;
  await tab.attach(sessionId);
  await tab.waitForText(sessionId, 'started');
  const cancelled = await call(app, `/api/v1/batches/${started.batchId}/cancel`, { body: {} });
  assert.is(cancelled.status, 200, cancelled.body);
  const batch = await finished(started.batchId);
  assert.equal(batch.results.map((r) => r.state), ['cancelled', 'notStarted', 'notStarted'], 'not "closed", nor a disconnect');
  assert.is(batch.results[0].sessionId, sessionId);
  assert.equal(batch.totals, { succeeded: 0, failed: 0, skipped: 0, notStarted: 2, cancelled: 1 });
  assert.is(batch.stopped?.because, 'cancelled');
  assert.equal(cancelled.json.batch.results.map((r: { state: string }) => r.state), ['cancelled', 'notStarted', 'notStarted'], 'the answer says it already');
  // the terminal stays, ended, with why and its output; its process was ended in the container
  const row = (await call(app, '/api/v1/sessions')).json.sessions.find((s: { sessionId: string }) => s.sessionId === sessionId);
  assert.equal([row?.state, row?.stopReason], ['stopped', 'batchCancelled']);
  assert.match(tab.text(sessionId), /started/);
  await waitFor(() => app.sandbox!.liveProcessGroups().length === 0, "the cancelled run's process to end", 15_000);
  const alerts = (await call(app, '/api/v1/alerts')).json.alerts as { sessionId: string }[];
  assert.equal(alerts.filter((alert) => alert.sessionId === sessionId), [], 'no alert: the person did it');
  assert.is((await call(app, `/api/v1/batches/${started.batchId}/cancel`, { body: {} })).json.batch.state, 'done', 'a done batch is answered as it is');
  assert.is((await call(app, '/api/v1/batches/b999/cancel', { body: {} })).status, 404);
  // an ended terminal like any other: restart runs the command again
  const restarted = await call(app, `/api/v1/sessions/${sessionId}/restart`, { body: {} });
  assert.is(restarted.status, 200, restarted.body);
  await waitFor(() => tab.text(sessionId).split('started').length > 2, 'the restarted run to print again', 15_000);
  assert.is((await call(app, `/api/v1/sessions/${sessionId}/close`, { body: {} })).status, 200);
});

test('concurrency 2: the cluster never has more than two of the batch execs at once', async () => {
  app.sandbox!.resetPeakConcurrentExecs();
  const started = await startBatch({ namespace: 'batch', labelSelector: 'app=worker', allContainers: true, concurrency: 2, command: { argv: ['sleep', '0.3'] } });
  const batch = await finished(started.batchId);
  assert.equal(batch.totals, { succeeded: 6, failed: 0, skipped: 0, notStarted: 0, cancelled: 0 });
  assert.is(batch.concurrency, 2);
  assert.is(app.sandbox!.peakConcurrentExecs(), 2);
});

test('the socket pushes the summary as it changes, in order, ending done', async () => {
  const from = tab.messages.length;
  const started = await startBatch({ namespace: 'batch', pods: ['worker-0'], container: 'main', command: { argv: ['true'] }, timeoutSeconds: 30 });
  await finished(started.batchId);
  const states = tab.messages
    .slice(from)
    .filter((m): m is MessageOf<'batch'> => m.type === 'batch' && m.batch.batchId === started.batchId)
    .map((m) => `${m.batch.state}:${m.batch.results[0].state}`);
  // pushes are folded once per turn of the event loop, so quick steps may arrive together: in order, ending done
  const steps = ['running:queued', 'running:running', 'running:exited', 'done:exited'];
  assert.ok(states.length >= 1 && states.at(-1) === 'done:exited', states.join(' → '));
  assert.equal(states.map((state) => steps.indexOf(state)), [...states.map((state) => steps.indexOf(state))].sort(), states.join(' → '));
  assert.ok(states.every((state) => steps.includes(state)), states.join(' → '));
  const { hello } = await StreamClient.open(app);
  assert.ok(hello.batches.some((b: { batchId: string; state: string }) => b.batchId === started.batchId && b.state === 'done'), 'hello carries every batch');
});

test('bad bodies are 400 with a sentence, and start nothing', async () => {
  const before = (await call(app, '/api/v1/batches')).json.batches.length;
  const good = { namespace: 'batch', labelSelector: 'app=worker', command: { argv: ['true'] } };
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ ...good, namespace: 'Batch' }, /not a valid namespace name/],
    [{ ...good, namespace: '../x' }, /not a valid namespace name/],
    [{ namespace: 'batch', command: { argv: ['true'] } }, /exactly one of them/],
    [{ ...good, pods: ['worker-0'] }, /exactly one of them/],
    [{ ...good, labelSelector: undefined, pods: ['worker 0'] }, /not a valid pod name/],
    [{ ...good, labelSelector: undefined, pods: [] }, /pods must be a list/],
    [{ ...good, labelSelector: undefined, pods: ['a', 'a'] }, /twice/],
    [{ ...good, labelSelector: 'app=worker;rm' }, /labelSelector may only use/],
    [{ ...good, labelSelector: 'app=' + 'x'.repeat(1100) }, /longer than 1024/],
    [{ ...good, labelSelector: '  ' }, /labelSelector must be/],
    [{ ...good, container: 'main', allContainers: true }, /not both/],
    [{ ...good, allContainers: false }, /allContainers must be true/],
    [{ ...good, container: 'Main/x' }, /not a valid container name/],
    [{ ...good, command: undefined }, /needs a command/],
    [{ ...good, command: { shell: 'sh' } }, /argv|line/],
    [{ ...good, command: { argv: [] } }, /at least one word/],
    [{ ...good, command: { line: "sh -c 'unclosed" } }, /quote is not closed/],
    [{ ...good, concurrency: 0 }, /concurrency must be/],
    [{ ...good, concurrency: 65 }, /concurrency must be/],
    [{ ...good, concurrency: 1.5 }, /concurrency must be/],
    [{ ...good, timeoutSeconds: 0 }, /timeoutSeconds must be/],
    [{ ...good, timeoutSeconds: 86_401 }, /timeoutSeconds must be/],
    [{ ...good, interactive: true }, /Unknown field "interactive"/],
    [{ ...good, context: '' }, /context must be/],
  ];
  for (const [body, message] of bad) {
    const res = await call(app, '/api/v1/batches', { body: JSON.parse(JSON.stringify(body)) });
    assert.is(res.status, 400, `${JSON.stringify(body).slice(0, 120)} → ${res.status} ${res.body}`);
    assert.match(res.json.error.message, message, JSON.stringify(body).slice(0, 120));
  }
  assert.is((await call(app, '/api/v1/batches', { body: '[1]' })).status, 400);
  assert.is((await call(app, '/api/v1/batches', { body: '{', contentType: 'application/json' })).status, 400);
  assert.is((await call(app, '/api/v1/batches', { body: good, contentType: 'text/plain' })).status, 415);
  assert.is((await call(app, '/api/v1/batches', { body: { ...good, context: 'nope' } })).status, 404);
  const none = await call(app, '/api/v1/batches', { body: { ...good, labelSelector: 'app=nothing-here' } });
  assert.is(none.status, 404);
  assert.match(none.json.error.message, /No pod in namespace "batch" matches/);
  const nowhere = await call(app, '/api/v1/batches', { body: { ...good, namespace: 'no-such-namespace' } });
  assert.is(nowhere.status, 404);
  assert.match(nowhere.json.error.message, /There is no namespace "no-such-namespace"/, 'a namespace that is not there is said so, not as a selector matching nothing');
  assert.is((await call(app, '/api/v1/batches', { body: good, token: null })).status, 401);
  assert.is((await call(app, '/api/v1/batches/b999')).status, 404);
  assert.is((await call(app, '/api/v1/batches/%2e%2e')).status, 400, 'a ".." segment is refused as one, never resolved (requests.ts)');
  assert.is((await call(app, '/api/v1/batches')).json.batches.length, before, 'no batch was started');
});

test.run();

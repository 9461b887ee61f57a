// A cluster too busy to answer (429 from API Priority and Fairness, 503 from an API server starting
// or stopping) asks to be asked again after its Retry-After: reads and exec upgrades are (a refused
// upgrade ran nothing), up to 10 more times as kubectl; past that the cluster is said to be busy.
// The cluster here says Retry-After: 0, so the tests do not wait.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { ClusterReader } from '../../src/adapters/kubernetes/cluster.ts';
import { MAX_WAIT_MS, askingAgain, retryAfterMs } from '../../src/adapters/kubernetes/asking-again.ts';
import { ClusterError } from '../../src/adapters/cluster.ts';
import { runExec } from '../support/exec-run.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import { oneClusterConfig } from '../support/one-cluster-config.ts';
import { bothTransports, fakeCluster, saysHi } from './fake-cluster.ts';
import { FallbackExecAdapter } from '../../src/adapters/kubernetes/fallback-exec.ts';
import { SpdyExecAdapter } from '../../src/adapters/kubernetes/spdy-exec.ts';
import { WebSocketExecAdapter } from '../../src/adapters/kubernetes/websocket-exec.ts';

const test = suite('a busy cluster is asked again after its Retry-After', { deadlineMs: 60_000 });

const busy = (code: number) => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Too many requests, please try again later.', reason: code === 429 ? 'TooManyRequests' : 'ServiceUnavailable', code });
const podList = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [{ metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'nginx' }] } }] });

/** A cluster that refuses the first `refusals` requests (and upgrades) with `code` and `retryAfter` (null: none), then answers. */
async function busyCluster(code: number, refusals: number, retryAfter: string | null = '0') {
  let asked = 0;
  const headers: Record<string, string> = retryAfter === null ? {} : { 'Retry-After': retryAfter };
  const cluster = await fakeCluster({
    request: (_request, response) => {
      if (asked++ < refusals) return void response.writeHead(code, { 'Content-Type': 'application/json', ...headers }).end(busy(code));
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(podList);
    },
    refuse: () => (asked++ < refusals ? { code, headers, body: busy(code) } : undefined),
    ...saysHi,
  });
  return { ...cluster, asked: () => asked };
}

test('Retry-After: whole seconds, 1 s without one (or with a date), at most the cap', () => {
  assert.is(retryAfterMs('3'), 3_000);
  assert.is(retryAfterMs('0'), 0);
  assert.is(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT'), 1_000);
  assert.is(retryAfterMs('3600'), MAX_WAIT_MS);
});

for (const code of [429, 503]) {
  test(`reads: ${code} three times, then the answer`, async () => {
    const cluster = await busyCluster(code, 3);
    try {
      assert.equal((await new ClusterReader(cluster.contexts).pods('default')).map((pod) => pod.name), ['web']);
      assert.is(cluster.asked(), 4);
    } finally {
      cluster.close();
    }
  });
}

test('reads: a 503 without Retry-After is not asked again (a load balancer\'s may come after the request was done), and is said busy', async () => {
  const cluster = await busyCluster(503, 1, null);
  try {
    const error = await new ClusterReader(cluster.contexts).pods('default').catch((e: unknown) => e);
    assert.ok(error instanceof ClusterError && error.status === 503, String(error));
    assert.match(error.message, 'The cluster is busy (503 Service Unavailable)');
    assert.is(cluster.asked(), 1);
  } finally {
    cluster.close();
  }
});

test('reads: still busy after 10 more tries: the cluster is busy, try again (503), not a broken cluster', async () => {
  const cluster = await busyCluster(429, Infinity);
  try {
    const error = await new ClusterReader(cluster.contexts).pods('default').catch((e: unknown) => e);
    assert.ok(error instanceof ClusterError, String(error));
    assert.is(error.status, 503);
    assert.match(error.message, 'The cluster is busy (429 Too Many Requests)');
    assert.match(error.message, 'Try again in a moment');
    assert.is(cluster.asked(), 11);
  } finally {
    cluster.close();
  }
});

for (const [name, adapter] of bothTransports()) {
  test(`${name} exec: an upgrade refused with 429 twice is asked again, and runs`, async () => {
    const cluster = await busyCluster(429, 2);
    try {
      const run = runExec(adapter(cluster.contexts), { argv: ['true'] });
      const end = await withTimeout(run.ended, 15_000, 'the exec to end');
      assert.equal(end, { kind: 'exited', code: 0 }, JSON.stringify(end));
      assert.is(run.stdout().toString(), 'hi');
      assert.is(cluster.asked(), 3);
    } finally {
      cluster.close();
    }
  });

  test(`${name} exec: an upgrade still refused with 503 after 10 more tries: the cluster is busy, not "unknown"`, async () => {
    const cluster = await busyCluster(503, Infinity);
    try {
      const end = await withTimeout(runExec(adapter(cluster.contexts), { argv: ['true'] }).ended, 15_000, 'the exec to end');
      assert.ok(end.kind === 'failed', JSON.stringify(end));
      assert.is(end.failure.reason, 'connection');
      assert.match(end.failure.message, 'The cluster is busy (503 Service Unavailable)');
      assert.match(end.failure.message, 'Try again in a moment');
      assert.is(cluster.asked(), 11);
    } finally {
      cluster.close();
    }
  });
}

test('a caller that gives up while a Retry-After is waited out: the wait ends at once with its reason, and nothing is asked again', async () => {
  let attempts = 0;
  const giveUp = new AbortController();
  const asking = askingAgain(
    oneClusterConfig({ server: 'http://127.0.0.1:1' }),
    () => {
      attempts++;
      return Promise.reject(new Error('busy'));
    },
    () => ({ code: 429, retryAfter: '10' }),
    { signal: giveUp.signal },
  ).catch((error: unknown) => error);
  await waitFor(() => attempts === 1, 'the first attempt');
  giveUp.abort(new Error('closed'));
  assert.is(((await withTimeout(asking, 5_000, 'the wait to end')) as Error).message, 'closed');
  assert.is(attempts, 1);
});

test("waits past the budget are not made: an exec's upgrade is said busy within the terminal's time to start", async () => {
  let attempts = 0;
  const refused = await askingAgain(
    oneClusterConfig({ server: 'http://127.0.0.1:1' }),
    () => {
      attempts++;
      return Promise.reject(new Error('busy'));
    },
    () => ({ code: 429, retryAfter: '1' }),
    { budgetMs: 1_500 },
  ).catch((error: unknown) => error);
  assert.is((refused as Error).message, 'busy');
  assert.is(attempts, 2, 'one wait of 1 s fits the budget, a second would not');
});

test('a busy cluster is not asked all over again over SPDY: the fallback is for an upgrade refused, not a cluster too busy', async () => {
  const cluster = await busyCluster(429, Infinity);
  try {
    const fallback = new FallbackExecAdapter(new WebSocketExecAdapter(cluster.contexts), new SpdyExecAdapter(cluster.contexts));
    const end = await withTimeout(runExec(fallback, { argv: ['true'] }).ended, 15_000, 'the exec to end');
    assert.ok(end.kind === 'failed', JSON.stringify(end));
    assert.match(end.failure.message, 'The cluster is busy (429 Too Many Requests)');
    assert.is(cluster.asked(), 11, 'the WebSocket upgrade and its retries only');
  } finally {
    cluster.close();
  }
});

test('a 503 without Retry-After on the WebSocket upgrade (a proxy that cannot pass WebSocket) falls back to SPDY, as kubectl', async () => {
  let websocketAsked = 0;
  const cluster = await fakeCluster({
    ...saysHi,
    refuse: (request) => (request.headers.upgrade?.toLowerCase() === 'websocket' && ++websocketAsked ? { code: 503, body: 'upstream does not do websocket' } : undefined),
  });
  try {
    const fallback = new FallbackExecAdapter(new WebSocketExecAdapter(cluster.contexts), new SpdyExecAdapter(cluster.contexts));
    const run = runExec(fallback, { argv: ['true'] });
    assert.equal(await withTimeout(run.ended, 15_000, 'the exec to end'), { kind: 'exited', code: 0 });
    assert.is(run.stdout().toString(), 'hi');
    assert.is(websocketAsked, 1, 'not asked again without Retry-After');
  } finally {
    cluster.close();
  }
});

test.run();

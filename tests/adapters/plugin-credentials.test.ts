// Credentials from an exec plugin are got again after a 401, as kubectl gets them: the cluster may
// refuse a token before its expirationTimestamp (revoked, rotated, a session ended), and
// client-node would send it until then, every read, watch and exec a 401. And a plugin's answer
// without an expirationTimestamp is kept until a 401 (client-go), not got again for every request.
// The plugin here prints the token in a file, and counts its runs; the cluster accepts one token.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type http from 'node:http';
import { ClusterReader } from '../../src/adapters/kubernetes/cluster.ts';
import { KubePodWatches } from '../../src/adapters/kubernetes/pod-watches.ts';
import { ClusterError } from '../../src/adapters/cluster.ts';
import { runExec } from '../support/exec-run.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import { bothTransports, fakeCluster, saysHi } from './fake-cluster.ts';

const test = suite('exec plugin credentials are got again after a 401', { deadlineMs: 60_000 });

const unauthorized = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
const podList = (resourceVersion: string) => JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion }, items: [{ metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'nginx' }] }, status: { phase: 'Running' } }] });

/**
 * A cluster that accepts `accepted.token` on its reads, watches and exec upgrades (`listsAcceptAny`:
 * any token on a list, as when a token is revoked between a list and its watch), and a plugin
 * that prints the token in its file (`expires`: with an expirationTimestamp an hour away).
 */
async function setUp(options: { expires: boolean; listsAcceptAny?: boolean }) {
  const dir = mkdtempSync(join(tmpdir(), 'plugin-credentials-'));
  const tokenFile = join(dir, 'token');
  const runsFile = join(dir, 'runs');
  writeFileSync(tokenFile, 'one');
  writeFileSync(runsFile, '');
  const expiry = options.expires ? `,"expirationTimestamp":"${new Date(Date.now() + 3_600_000).toISOString()}"` : '';
  const script = `echo run >> '${runsFile}'; printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"${expiry}}}' "$(cat '${tokenFile}')"`;
  const accepted = { token: 'one' };
  /** each request as `METHOD path token` */
  const seen: string[] = [];
  const watches = new Set<http.ServerResponse>();
  const tokenOf = (request: http.IncomingMessage) => request.headers.authorization?.replace(/^Bearer /, '') ?? '';
  const cluster = await fakeCluster(
    {
      request: (request, response) => {
        const watching = request.url?.includes('watch=true') ?? false;
        seen.push(`${request.method} ${watching ? 'watch' : 'list'} ${tokenOf(request)}`);
        if (tokenOf(request) !== accepted.token && !(options.listsAcceptAny && !watching)) return void response.writeHead(401, { 'Content-Type': 'application/json' }).end(unauthorized);
        response.writeHead(200, { 'Content-Type': 'application/json' });
        if (!watching) return void response.end(podList('1'));
        watches.add(response);
        response.on('close', () => watches.delete(response));
      },
      refuse: (request) => {
        seen.push(`upgrade ${tokenOf(request)}`);
        return tokenOf(request) === accepted.token ? undefined : { code: 401, body: unauthorized };
      },
      ...saysHi,
    },
    { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'sh', args: ['-c', script], interactiveMode: 'Never' } } as never,
  );
  return {
    contexts: cluster.contexts,
    seen,
    /** the cluster now takes `token` only, and the plugin gives it */
    rotate: (token: string) => {
      accepted.token = token;
      writeFileSync(tokenFile, token);
    },
    /** the cluster takes no token at all */
    refuseAll: () => (accepted.token = '(none)'),
    /** the plugin's runs so far */
    runs: () => readFileSync(runsFile, 'utf8').split('\n').filter(Boolean).length,
    endWatches: () => {
      for (const response of watches) response.end();
    },
    close: () => {
      cluster.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('reads: a token refused before its expiry is dropped at the 401, the plugin runs again, the read succeeds', async () => {
  const cluster = await setUp({ expires: true });
  try {
    const reader = new ClusterReader(cluster.contexts);
    assert.equal((await reader.pods('default')).map((pod) => pod.name), ['web']);
    cluster.rotate('two');
    assert.equal((await reader.pods('default')).map((pod) => pod.name), ['web'], 'the second read, after the rotation');
    assert.equal(cluster.seen, ['GET list one', 'GET list one', 'GET list two']);
    assert.is(cluster.runs(), 2);
  } finally {
    cluster.close();
  }
});

test('reads: once only: a new token refused too is the 401, and a user without a plugin is not asked again', async () => {
  const cluster = await setUp({ expires: true });
  try {
    cluster.refuseAll();
    const error = await new ClusterReader(cluster.contexts).pods('default').catch((e: unknown) => e);
    assert.ok(error instanceof ClusterError && error.status === 401, String(error));
    assert.equal(cluster.seen, ['GET list one', 'GET list one'], 'asked twice, not more');
    assert.is(cluster.runs(), 2);
  } finally {
    cluster.close();
  }
  const plain = await fakeCluster({ request: (_request, response) => void response.writeHead(401, { 'Content-Type': 'application/json' }).end(unauthorized) });
  try {
    const error = await new ClusterReader(plain.contexts).pods('default').catch((e: unknown) => e);
    assert.ok(error instanceof ClusterError && error.status === 401, String(error));
  } finally {
    plain.close();
  }
});

test('an answer without an expirationTimestamp is kept until a 401, not got again for every request', async () => {
  const cluster = await setUp({ expires: false });
  try {
    const reader = new ClusterReader(cluster.contexts);
    await reader.pods('default');
    await reader.pods('default');
    assert.is(cluster.runs(), 1, 'the plugin ran once for two reads');
    cluster.rotate('two');
    await reader.pods('default');
    assert.is(cluster.runs(), 2, 'and again at the 401');
    assert.equal(cluster.seen, ['GET list one', 'GET list one', 'GET list one', 'GET list two']);
  } finally {
    cluster.close();
  }
});

test('many requests refused at once drop the token once, and wait for one run of the plugin', async () => {
  for (const expires of [true, false]) {
    const cluster = await setUp({ expires });
    try {
      const reader = new ClusterReader(cluster.contexts);
      await reader.pods('default');
      cluster.rotate('two');
      const reads = await Promise.all(Array.from({ length: 5 }, () => reader.pods('default')));
      assert.equal(reads.map((pods) => pods.map((pod) => pod.name).join()), ['web', 'web', 'web', 'web', 'web'], `expires: ${expires}`);
      assert.is(cluster.runs(), 2, `expires: ${expires}: the plugin ran once more, not once a request`);
      assert.equal(cluster.seen.filter((line) => line === 'GET list two').length, 5);
    } finally {
      cluster.close();
    }
  }
});

test('refused one after another before any answer was kept (a cold start): the plugin runs once more, not once a refusal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plugin-credentials-'));
  const runsFile = join(dir, 'runs');
  writeFileSync(runsFile, '');
  // its first answer is stale, every later one good; without an expiry, so each is kept
  const script = `echo run >> '${runsFile}'; n=$(wc -l < '${runsFile}'); t=two; [ "$n" -eq 1 ] && t=one; printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$t"`;
  let refused = 0;
  const cluster = await fakeCluster(
    {
      request: (request, response) => {
        if (request.headers.authorization === 'Bearer two') return void response.writeHead(200, { 'Content-Type': 'application/json' }).end(podList('1'));
        // each refusal a moment after the one before: the first one's retry has its new answer by the next
        setTimeout(() => response.writeHead(401, { 'Content-Type': 'application/json' }).end(unauthorized), 150 * refused++);
      },
    },
    { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'sh', args: ['-c', script], interactiveMode: 'Never' } } as never,
  );
  try {
    const reader = new ClusterReader(cluster.contexts);
    const reads = await Promise.all(Array.from({ length: 5 }, () => reader.pods('default')));
    assert.equal(reads.map((pods) => pods.length), [1, 1, 1, 1, 1]);
    assert.is(readFileSync(runsFile, 'utf8').split('\n').filter(Boolean).length, 2, 'the stale answer, then one new one');
  } finally {
    cluster.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const [name, adapter] of bothTransports()) {
  test(`${name} exec: an upgrade refused with 401 runs the plugin again and is asked once more (a refused upgrade ran nothing)`, async () => {
    const cluster = await setUp({ expires: true });
    try {
      await new ClusterReader(cluster.contexts).pods('default'); // the plugin's first token, kept
      cluster.rotate('two');
      const run = runExec(adapter(cluster.contexts), { argv: ['true'] });
      const end = await withTimeout(run.ended, 15_000, 'the exec to end');
      assert.equal(end, { kind: 'exited', code: 0 }, JSON.stringify(end));
      assert.is(run.stdout().toString(), 'hi');
      assert.equal(cluster.seen.slice(1), ['upgrade one', 'upgrade two']);
    } finally {
      cluster.close();
    }
  });
}

test('the pod watch: a watch refused with 401 (its list accepted) drops the token, and its restart runs the plugin again, in silence', async () => {
  const cluster = await setUp({ expires: true, listsAcceptAny: true });
  const watches = new KubePodWatches(new ClusterReader(cluster.contexts));
  const told: string[] = [];
  const stop = watches.subscribe(undefined, 'default', { pods: () => {}, error: (message) => told.push(message) });
  try {
    await waitFor(() => cluster.seen.includes('GET watch one'), 'the first watch');
    cluster.rotate('two');
    cluster.endWatches();
    await waitFor(() => cluster.seen.includes('GET watch two') || told.length > 0, 'a watch with the new token');
    assert.equal(told, [], 'nothing told to the subscribers');
    assert.is(cluster.runs(), 2);
  } finally {
    stop();
    watches.close();
    cluster.close();
  }
});

test.run();

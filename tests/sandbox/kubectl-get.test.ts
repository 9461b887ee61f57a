// `kubectl get` against the sandbox prints what it prints against a cluster: the API server's
// Table (NAME READY STATUS RESTARTS AGE; IP and NODE with -o wide; a watch's rows in the same
// columns), worked out from the pods' states, with the oldest and newest kubectl.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { age } from '../../src/sandbox/api/pod-table.ts';
import { kubectl, startKubectl, startTestSandbox } from '../support/sandbox.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

const sandbox = await startTestSandbox();
test.after(() => sandbox.close());

/** Each line's words, the header's first. */
const table = (out: Buffer | string) => out.toString().trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
const row = (rows: string[][], name: string, at = 0) => rows.find((r) => r[at] === name);

for (const version of ['1.27', '1.33']) {
  test(`kubectl ${version} get pods -A: readiness, status and restarts as a cluster says them`, async () => {
    const result = await kubectl(sandbox, version, ['get', 'pods', '-A']);
    assert.is(result.code, 0, result.stderr);
    const rows = table(result.stdout);
    assert.equal(rows[0], ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    assert.equal(row(rows, 'web', 1)?.slice(0, 5), ['default', 'web', '2/2', 'Running', '0']);
    assert.equal(row(rows, 'worker-2', 1)?.slice(0, 4), ['batch', 'worker-2', '2/2', 'Running']);
    assert.equal(row(rows, 'migrating', 1)?.slice(2, 4), ['0/1', 'Init:0/1'], 'an init container still running');
    assert.equal(row(rows, 'meshed', 1)?.slice(2, 4), ['2/2', 'Running'], 'a native sidecar counts among the containers');
    const crash = row(rows, 'crashloop', 1)!;
    assert.equal(crash.slice(2, 4), ['0/1', 'CrashLoopBackOff']);
    assert.match(crash[4], /^7 \(\d+s ago\)$/);
    assert.match(crash[5], /^\d+s$/);
  });
}

test('-o wide adds IP and NODE; --sort-by sorts; get ns says each is Active; get pod NAME is one row', async () => {
  const wide = table((await kubectl(sandbox, '1.33', ['get', 'pods', '-o', 'wide'])).stdout);
  assert.equal(wide[0].slice(-2), ['IP', 'NODE']);
  assert.equal(row(wide, 'web')?.slice(-2), ['127.0.0.1', 'octant-exec-sandbox']);
  const namespaces = table((await kubectl(sandbox, '1.33', ['get', 'ns'])).stdout);
  assert.equal(namespaces[0], ['NAME', 'STATUS', 'AGE']);
  assert.equal(row(namespaces, 'restricted')?.slice(0, 2), ['restricted', 'Active']);
  const one = table((await kubectl(sandbox, '1.33', ['get', 'pod', 'web'])).stdout);
  assert.equal(one.map((r) => r.slice(0, 4)), [['NAME', 'READY', 'STATUS', 'RESTARTS'], ['web', '2/2', 'Running', '0']]);
  // --sort-by asks for whole objects in the rows (includeObject=Object): it sorts on them
  const sorted = table((await kubectl(sandbox, '1.33', ['get', 'pods', '--sort-by=.status.containerStatuses[0].restartCount'])).stdout);
  assert.equal([sorted.length, sorted.at(-1)?.[0]], [wide.length, 'crashloop'], 'every pod, the one that restarted last');
  const json = JSON.parse((await kubectl(sandbox, '1.33', ['get', 'pod', 'web', '-o', 'json'])).stdout.toString());
  assert.is(json.kind, 'Pod', 'a client that asks for JSON still gets the pod');
});

test('get pods -w: a pod deleted shows as Terminating in the same columns', async () => {
  const watch = startKubectl(sandbox, '1.33', ['get', 'pods', '-n', 'batch', '-w']);
  let out = '';
  watch.child.stdout!.on('data', (c: Buffer) => (out += c));
  try {
    await waitFor(() => out.includes('worker-2'), 'the watch to list the pods', 20_000);
    assert.ok(sandbox.deletePod('batch', 'worker-1'));
    await waitFor(() => /\nworker-1\s+\d\/2\s+Terminating\s/.test(out), 'the deleted pod as Terminating', 20_000);
    assert.is(out.split('\n').filter((line) => line.startsWith('NAME')).length, 1, 'one header: the watch rows go on under it');
  } finally {
    watch.child.kill();
    await withTimeout(watch.done, 10_000, 'kubectl get -w to stop');
  }
});

test('AGE is written as kubectl writes a duration', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  const ago = (seconds: number) => age(new Date(now - seconds * 1000).toISOString(), now);
  assert.equal([0, 45, 119, 120, 150, 600, 179 * 60, 3 * 3600 + 60, 8 * 3600, 47 * 3600, 2 * 86400 + 3600, 10 * 86400, 800 * 86400, 3000 * 86400].map(ago), ['0s', '45s', '119s', '2m', '2m30s', '10m', '179m', '3h1m', '8h', '47h', '2d1h', '10d', '2y70d', '8y']);
  assert.is(age(undefined, now), '<unknown>');
});

test.run();

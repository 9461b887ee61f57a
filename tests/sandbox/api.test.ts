// The read API of the sandbox as clients meet it: token required, discovery, namespaces, pods
// with label selectors, watch events, delete, and Status bodies with the right codes.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { request } from 'node:https';
import { apiRequest, startTestSandbox } from '../support/sandbox.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

const sandbox = await startTestSandbox();
test.after(() => sandbox.close());

const json = async (path: string, init?: Parameters<typeof apiRequest>[2]) => {
  const res = await apiRequest(sandbox, path, init);
  return { status: res.status, body: JSON.parse(res.body) };
};
const names = (list: { items: { metadata: { name: string } }[] }) => list.items.map((p) => p.metadata.name).sort();

test('no token or a wrong token: 401 Status, nothing served', async () => {
  for (const token of [null, 'wrong', `${sandbox.token}x`]) {
    const { status, body } = await json('/api/v1/namespaces/default/pods', { token });
    assert.is(status, 401);
    assert.equal(body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  }
});

test('the token is 256 bits of base64url', () => {
  assert.match(sandbox.token, /^[A-Za-z0-9_-]{43}$/);
});

test('discovery: /version minor 33, /api, /apis (the review groups), /api/v1 with pods/exec', async () => {
  assert.is((await json('/version')).body.minor, '33');
  assert.equal((await json('/api')).body.versions, ['v1']);
  assert.equal(
    (await json('/apis')).body.groups.map((g: { name: string; preferredVersion: { groupVersion: string } }) => `${g.name} ${g.preferredVersion.groupVersion}`),
    ['authentication.k8s.io authentication.k8s.io/v1', 'authorization.k8s.io authorization.k8s.io/v1'],
  );
  const resources = (await json('/api/v1')).body.resources.map((r: { name: string }) => r.name);
  for (const name of ['pods', 'pods/exec', 'namespaces']) assert.ok(resources.includes(name), name);
});

test('namespaces: list and get; an unknown one is a 404 Status', async () => {
  assert.equal(names((await json('/api/v1/namespaces')).body), ['batch', 'default', 'restricted']);
  assert.is((await json('/api/v1/namespaces/batch')).body.kind, 'Namespace');
  const missing = await json('/api/v1/namespaces/nope');
  assert.is(missing.status, 404);
  assert.is(missing.body.message, 'namespaces "nope" not found');
});

test('pods: realistic objects with metadata, spec.containers and container states', async () => {
  const { body: web } = await json('/api/v1/namespaces/default/pods/web');
  assert.match(web.metadata.uid, /^[0-9a-f-]{36}$/);
  assert.match(web.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Number(web.metadata.resourceVersion) > 0);
  assert.is(web.metadata.annotations['kubectl.kubernetes.io/default-container'], 'nginx');
  assert.equal(web.spec.containers.map((c: { name: string }) => c.name), ['sidecar', 'nginx']);
  assert.is(web.status.phase, 'Running');
  assert.ok(web.status.containerStatuses.every((s: { state: object; ready: boolean }) => 'running' in s.state && s.ready));
  const { body: crash } = await json('/api/v1/namespaces/default/pods/crashloop');
  assert.is(crash.status.containerStatuses[0].state.waiting.reason, 'CrashLoopBackOff');
  assert.is(crash.status.containerStatuses[0].ready, false);
});

test('pods list: all namespaces, one namespace, label selectors (=, !=, in, notin, exists)', async () => {
  assert.is((await json('/api/v1/pods')).body.items.length, 12);
  assert.equal(names((await json('/api/v1/namespaces/batch/pods?labelSelector=app%3Dworker')).body), ['worker-0', 'worker-1', 'worker-2']);
  assert.equal(names((await json(`/api/v1/pods?labelSelector=${encodeURIComponent('app in (web,db)')}`)).body), ['secret-db', 'web']);
  assert.equal(names((await json(`/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent('app!=web,app notin (tools,meshed,migrating,shells)')}`)).body), ['console', 'crashloop', 'distroless-app']);
  assert.equal(names((await json(`/api/v1/pods?labelSelector=tier`)).body), ['web']);
  assert.equal(names((await json('/api/v1/pods?fieldSelector=metadata.name%3Dworker-1')).body), ['worker-1']);
  assert.is((await json('/api/v1/namespaces/nope/pods')).body.items.length, 0); // like the API server: an empty list
});

test("a list comes in etcd's key order, namespace then name, byte for byte, whatever order the pods were made in", async () => {
  const all = (await json('/api/v1/pods')).body.items as { metadata: { namespace: string; name: string } }[];
  const keys = all.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
  assert.equal(keys, [...keys].sort());
  const web = all.findIndex((p) => p.metadata.name === 'web');
  const console = all.findIndex((p) => p.metadata.name === 'console');
  assert.ok(console < web, 'console before web, though the fixture has web first');
});

test('bad input: 400 for malformed names and selectors, 404 for missing pods and paths', async () => {
  for (const path of ['/api/v1/namespaces/Bad_NS/pods', '/api/v1/namespaces/default/pods/a%20b', `/api/v1/namespaces/default/pods/${'x'.repeat(254)}`, '/api/v1/namespaces/%2E%2E/pods']) {
    const { status, body } = await json(path);
    assert.is(status, 400, path);
    assert.is(body.kind, 'Status');
  }
  assert.is((await json('/api/v1/pods?labelSelector=%3D%3Dx')).status, 400);
  const missing = await json('/api/v1/namespaces/default/pods/nope');
  assert.is(missing.status, 404);
  assert.is(missing.body.message, 'pods "nope" not found');
  assert.is((await json('/api/v1/secrets')).status, 404);
  assert.is((await json('/api/v1/namespaces/default/pods/web/exec?command=id')).status, 400); // not an upgrade
});

test('watch: ADDED for each pod first, then DELETED when a pod is deleted', async () => {
  const lines: { type: string; object: { metadata: { name: string } } }[] = [];
  const req = request(`${sandbox.server}/api/v1/namespaces/batch/pods?watch=true&labelSelector=app%3Dworker`, { ca: sandbox.caPem, headers: { Authorization: `Bearer ${sandbox.token}` } });
  let buffered = '';
  req.on('response', (res) =>
    res.on('data', (chunk) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts) lines.push(JSON.parse(line));
    }),
  );
  req.end();
  await waitFor(() => lines.length === 3, 'three ADDED events', 10_000);
  assert.equal(lines.map((l) => `${l.type} ${l.object.metadata.name}`).sort(), ['ADDED worker-0', 'ADDED worker-1', 'ADDED worker-2']);

  const deleted = await json('/api/v1/namespaces/batch/pods/worker-2', { method: 'DELETE' });
  assert.is(deleted.status, 200);
  await waitFor(() => lines.length === 4, 'the DELETED event', 10_000);
  assert.is(lines[3].type, 'DELETED');
  assert.is(lines[3].object.metadata.name, 'worker-2');
  assert.is((await json('/api/v1/namespaces/batch/pods/worker-2')).status, 404);
  req.destroy();
});

test('a watch with nothing to tell answers its headers at once, as the API server does (a client can stop it before any event)', async () => {
  const list = await json('/api/v1/namespaces/default/pods');
  const req = request(`${sandbox.server}/api/v1/namespaces/default/pods?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`, { ca: sandbox.caPem, headers: { Authorization: `Bearer ${sandbox.token}` } });
  let status: number | undefined;
  req.on('response', (res) => (status = res.statusCode));
  req.on('error', () => {});
  req.end();
  await waitFor(() => status, 'the watch response with no event yet', 10_000);
  assert.is(status, 200);
  req.destroy();
});

test('the kubeconfig names the context, server, CA and token', async () => {
  const { readFileSync, statSync } = await import('node:fs');
  const text = readFileSync(sandbox.kubeconfigPath, 'utf8');
  assert.match(text, `current-context: "octant-exec-sandbox"`);
  assert.match(text, `server: "${sandbox.server}"`);
  assert.match(text, `token: "${sandbox.token}"`);
  assert.match(text, Buffer.from(sandbox.caPem).toString('base64'));
  assert.is(statSync(sandbox.kubeconfigPath).mode & 0o777, 0o600);
  assert.match(sandbox.server, /^https:\/\/127\.0\.0\.1:\d+$/);
});

test('the server certificate is trusted for localhost too', async () => {
  const port = new URL(sandbox.server).port;
  const status = await withTimeout(
    new Promise<number>((resolve, reject) => {
      const req = request(`https://localhost:${port}/version`, { ca: sandbox.caPem, headers: { Authorization: `Bearer ${sandbox.token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    }),
    10_000,
    'https://localhost',
  );
  assert.is(status, 200);
});

test.run();

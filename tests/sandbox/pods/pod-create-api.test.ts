// Pods created through the API as kube-apiserver takes them: kept as given (labels, annotations,
// owner references, restart policy), generateName filled in, refused with the API server's
// Status for bad names, duplicates and missing fields, scheduled at once and reported by watch
// (ADDED Pending, then MODIFIED running; an image the sandbox lacks waits in ErrImagePull, then
// ImagePullBackOff), and deleted with DELETED. RBAC decides who may create.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestSandbox } from '../../support/sandbox.ts';
import { call, type Call } from '../../support/sandbox-access.ts';
import { waitFor } from '../../support/wait.ts';

const sandbox = await startTestSandbox({ isolation: 'none' });
test.after(() => sandbox.close());
const { alice, bob } = sandbox.users;

const PODS = '/api/v1/namespaces/default/pods';
const post = (body: unknown, init: Call = {}) => call(sandbox, PODS, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' }, ...init });
const pod = (name: string, extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, ...extra },
  spec: { containers: [{ name: 'main', image: 'busybox:1.36', command: ['sleep', '1000'], ...container }] },
});
const stateOf = async (name: string) => (await call(sandbox, `${PODS}/${name}`)).json().status;

/** The watch events of one pod after resourceVersion `since`, as the watch cache replays them. */
async function eventsOf(name: string, since: string): Promise<{ type: string; object: any }[]> {
  const answer = await call(sandbox, `${PODS}?watch=true&resourceVersion=${since}&timeoutSeconds=1&fieldSelector=metadata.name%3D${name}`);
  return answer.body.trim().split('\n').map((line) => JSON.parse(line));
}
const currentVersion = async () => (await call(sandbox, PODS)).json().metadata.resourceVersion as string;

test('a created pod keeps its labels, annotations, owner references and restart policy; the API server fills in the rest', async () => {
  const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7f9', uid: 'd9607e19-f88f-11e6-a518-42010a800195', controller: true, blockOwnerDeletion: true };
  const created = await post({
    ...pod('kept', { labels: { app: 'kept', tier: 'x' }, annotations: { 'example.com/note': 'kept as given' }, ownerReferences: [owner], uid: 'chosen-by-client', deletionTimestamp: '2020-01-01T00:00:00Z' }),
    spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36', command: ['sleep', '1000'], stdin: true, tty: true, env: [{ name: 'MODE', value: 'debug' }] }] },
  });
  assert.is(created.status, 201, created.body);
  const object = created.json();
  assert.equal(object.metadata.labels, { app: 'kept', tier: 'x' });
  assert.equal(object.metadata.annotations, { 'example.com/note': 'kept as given' });
  assert.equal(object.metadata.ownerReferences, [owner]);
  assert.is(object.metadata.namespace, 'default');
  assert.match(object.metadata.uid, /^[0-9a-f-]{36}$/);
  assert.is(object.metadata.deletionTimestamp, undefined, 'a new pod is not Terminating, whatever the client says');
  assert.is(object.spec.restartPolicy, 'Never');
  assert.is(object.spec.nodeName, 'octant-exec-sandbox');
  assert.equal(object.spec.securityContext, {});
  const [container] = object.spec.containers;
  assert.equal([container.stdin, container.tty, container.env, container.imagePullPolicy], [true, true, [{ name: 'MODE', value: 'debug' }], 'IfNotPresent']);
  const listed = (await call(sandbox, `${PODS}?labelSelector=app%3Dkept`)).json();
  assert.equal(listed.items.map((p: any) => p.metadata.name), ['kept']);
});

test('a created pod is ADDED Pending, then MODIFIED once its container runs; deleting it sends DELETED', async () => {
  const before = await currentVersion();
  assert.is((await post(pod('watched'))).status, 201);
  await waitFor(async () => (await stateOf('watched')).containerStatuses[0].state.running, 'the container to run');
  const events = await eventsOf('watched', before);
  assert.is(events[0].type, 'ADDED');
  assert.is(events[0].object.status.phase, 'Pending');
  assert.equal(events[0].object.status.containerStatuses[0].state, { waiting: { reason: 'ContainerCreating' } });
  const running = events.find((e) => e.object.status.containerStatuses[0].state.running)!;
  assert.is(running.type, 'MODIFIED');
  assert.is(running.object.status.phase, 'Running');
  assert.ok(Number(running.object.metadata.resourceVersion) > Number(events[0].object.metadata.resourceVersion));

  const beforeDelete = await currentVersion();
  assert.is((await call(sandbox, `${PODS}/watched`, { method: 'DELETE' })).status, 200);
  const gone = await eventsOf('watched', beforeDelete);
  assert.equal(gone.map((e) => e.type), ['DELETED']);
  assert.is((await call(sandbox, `${PODS}/watched`)).status, 404);
});

test('an image the sandbox lacks: ErrImagePull, then ImagePullBackOff, and the pod stays Pending', async () => {
  assert.is((await post(pod('no-image', {}, { image: 'registry.example.com/nothing:1' }))).status, 201);
  const status = await waitFor(async () => {
    const s = await stateOf('no-image');
    return s.containerStatuses[0].state.waiting?.reason === 'ImagePullBackOff' && s;
  }, 'ImagePullBackOff');
  assert.is(status.phase, 'Pending');
  assert.is(status.containerStatuses[0].state.waiting.message, 'Back-off pulling image "registry.example.com/nothing:1"');
  // The sandbox's own images are found however they are spelt.
  assert.is((await post(pod('spelt-long', {}, { image: 'docker.io/library/busybox:1.36' }))).status, 201);
  await waitFor(async () => (await stateOf('spelt-long')).containerStatuses[0].state.running, 'docker.io/library/busybox:1.36 running');
});

test('lists are in name order, as the API server keeps them: a pod made later is listed by its name, namespaces too', async () => {
  const made = await post(pod('aaa-listed-first'));
  assert.is(made.status, 201);
  const names = (await call(sandbox, PODS)).json().items.map((p: { metadata: { name: string } }) => p.metadata.name) as string[];
  assert.is(names[0], 'aaa-listed-first');
  assert.equal(names, [...names].sort());
  const all = (await call(sandbox, '/api/v1/pods')).json().items.map((p: { metadata: { namespace: string; name: string } }) => `${p.metadata.namespace}/${p.metadata.name}`) as string[];
  assert.equal(all, [...all].sort());
  const namespaces = (await call(sandbox, '/api/v1/namespaces')).json().items.map((n: { metadata: { name: string } }) => n.metadata.name) as string[];
  assert.equal(namespaces, [...namespaces].sort());
  assert.is((await call(sandbox, `${PODS}/aaa-listed-first`, { method: 'DELETE' })).status, 200);
});

test('generateName: the API server appends five characters', async () => {
  const created = await post({ ...pod(''), metadata: { generateName: 'debug-' } });
  assert.is(created.status, 201, created.body);
  assert.match(created.json().metadata.name, /^debug-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
});

test('bad pods are refused as the API server refuses them: 422 Invalid naming each field, 409 AlreadyExists, 400 for another namespace', async () => {
  const badName = await post(pod('Bad_Name'));
  assert.is(badName.status, 422);
  assert.is(badName.json().reason, 'Invalid');
  assert.match(badName.json().message, /^Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
  assert.equal(badName.json().details.causes.map((c: any) => [c.reason, c.field]), [['FieldValueInvalid', 'metadata.name']]);

  const noContainers = await post({ metadata: { name: 'empty' }, spec: { containers: [] } });
  assert.is(noContainers.status, 422);
  assert.is(noContainers.json().message, 'Pod "empty" is invalid: spec.containers: Required value');

  const several = await post({ metadata: { name: 'several' }, spec: { restartPolicy: 'Sometimes', containers: [{ name: 'a', image: 'busybox:1.36' }, { name: 'a' }] } });
  assert.is(several.status, 422);
  assert.equal(several.json().details.causes.map((c: any) => c.field), ['spec.containers[1].image', 'spec.containers[1].name', 'spec.restartPolicy']);
  assert.match(several.json().message, /^Pod "several" is invalid: \[spec.containers\[1\].image: Required value, spec.containers\[1\].name: Duplicate value: "a", spec.restartPolicy: Unsupported value: "Sometimes"/);

  const ephemeral = await post({ ...pod('with-debugger'), spec: { ...pod('x').spec, ephemeralContainers: [{ name: 'd', image: 'busybox:1.36' }] } });
  assert.is(ephemeral.status, 422);
  assert.match(ephemeral.json().message, 'spec.ephemeralContainers: Forbidden: cannot be set on create');

  // A container-level restart policy: only on an init container (a native sidecar), and only "Always".
  const policies = await post({
    metadata: { name: 'policies' },
    spec: { initContainers: [{ name: 'init', image: 'busybox:1.36', restartPolicy: 'Never' }], containers: [{ name: 'app', image: 'busybox:1.36', restartPolicy: 'Always' }] },
  });
  assert.is(policies.status, 422);
  assert.equal(policies.json().details.causes.map((c: any) => [c.reason, c.field, c.message]), [
    ['FieldValueNotSupported', 'spec.initContainers[0].restartPolicy', 'Unsupported value: "Never": supported values: "Always"'],
    ['FieldValueForbidden', 'spec.containers[0].restartPolicy', 'Forbidden: may not be set for non-init containers'],
  ]);

  const owner = await post(pod('orphan', { ownerReferences: [{ kind: 'ReplicaSet', name: 'x' }] }));
  assert.is(owner.status, 422);
  assert.equal(owner.json().details.causes.map((c: any) => c.field), ['metadata.ownerReferences[0].apiVersion', 'metadata.ownerReferences[0].uid']);

  const duplicate = await post(pod('web'));
  assert.is(duplicate.status, 409);
  assert.equal([duplicate.json().reason, duplicate.json().message], ['AlreadyExists', 'pods "web" already exists']);

  const elsewhere = await post(pod('elsewhere', { namespace: 'batch' }));
  assert.is(elsewhere.status, 400);
  assert.is(elsewhere.json().message, 'the namespace of the provided object does not match the namespace sent on the request');

  const noNamespace = await call(sandbox, '/api/v1/namespaces/nowhere/pods', { method: 'POST', body: JSON.stringify(pod('lost')), headers: { 'Content-Type': 'application/json' } });
  assert.is(noNamespace.status, 404);
  assert.is(noNamespace.json().message, 'namespaces "nowhere" not found');

  const notJson = await call(sandbox, PODS, { method: 'POST', body: '{"metadata":', headers: { 'Content-Type': 'application/json' } });
  assert.is(notJson.status, 400);
  const notAPod = await post({ kind: 'Service', apiVersion: 'v1', metadata: { name: 'svc' } });
  assert.is(notAPod.status, 400);
});

test('RBAC: create pods is its own verb (alice may in default, bob may not); delete likewise', async () => {
  const refused = await post(pod('bobs'), { token: bob.token });
  assert.is(refused.status, 403);
  assert.is(refused.json().message, 'pods is forbidden: User "bob" cannot create resource "pods" in API group "" in the namespace "default"');
  assert.is((await post(pod('alices'), { token: alice.token })).status, 201);
  assert.is((await call(sandbox, `${PODS}/alices`, { method: 'DELETE', token: bob.token })).status, 403);
  assert.is((await call(sandbox, `${PODS}/alices`, { method: 'DELETE', token: alice.token })).status, 200);
  // A pod of the same name can be made again once the old one is gone.
  assert.is((await post(pod('alices'), { token: alice.token })).status, 201);
});

test.run();

// The pods/ephemeralcontainers subresource as kube-apiserver serves it: a debug container added
// by any of the three patch formats (kubectl debug's strategic merge patch, merge patch, JSON
// patch) or a PUT, shown in spec.ephemeralContainers and in status (waiting, then running); one
// already added may be neither removed nor changed; names, targets and forbidden fields checked;
// RBAC's `patch pods/ephemeralcontainers` decides who may.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestSandbox } from '../../support/sandbox.ts';
import { call } from '../../support/sandbox-access.ts';
import { waitFor } from '../../support/wait.ts';

const sandbox = await startTestSandbox({ isolation: 'none' });
test.after(() => sandbox.close());
const { alice, bob } = sandbox.users;

const SUB = '/api/v1/namespaces/default/pods/alpine-tools/ephemeralcontainers';
const patch = (type: string, body: unknown, token?: string) =>
  call(sandbox, SUB, { method: 'PATCH', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': type }, ...(token ? { token } : {}) });
const STRATEGIC = 'application/strategic-merge-patch+json';
const debugger_ = (name: string, extra: Record<string, unknown> = {}) => ({ name, image: 'busybox:1.36', command: ['sleep', '1000'], targetContainerName: 'tools', ...extra });
const statusOf = async (name: string) => ((await call(sandbox, SUB)).json().status.ephemeralContainerStatuses ?? []).find((s: any) => s.name === name);

test("kubectl debug's strategic merge patch adds a container, shown in the spec and, once started, running in the status", async () => {
  const added = await patch(STRATEGIC, { spec: { ephemeralContainers: [debugger_('dbg-1', { stdin: true })] } });
  assert.is(added.status, 200, added.body);
  const pod = added.json();
  assert.is(pod.kind, 'Pod');
  assert.equal(
    pod.spec.ephemeralContainers.map((c: any) => [c.name, c.image, c.targetContainerName, c.stdin]),
    [['dbg-1', 'busybox:1.36', 'tools', true]],
  );
  assert.is(pod.status.ephemeralContainerStatuses[0].state.waiting.reason, 'ContainerCreating');
  const running = await waitFor(async () => (await statusOf('dbg-1'))?.state.running && (await statusOf('dbg-1')), 'dbg-1 running');
  assert.is(running.image, 'busybox:1.36');
  // Its own containers are untouched.
  assert.equal((await call(sandbox, SUB)).json().spec.containers.map((c: any) => c.name), ['tools']);
});

test('the second debug container comes with $setElementOrder, as kubectl sends it; JSON patch and merge patch add too', async () => {
  const second = await patch(STRATEGIC, { spec: { '$setElementOrder/ephemeralContainers': [{ name: 'dbg-1' }, { name: 'dbg-2' }], ephemeralContainers: [debugger_('dbg-2')] } });
  assert.is(second.status, 200, second.body);
  const third = await patch('application/json-patch+json', [{ op: 'add', path: '/spec/ephemeralContainers/-', value: debugger_('dbg-3') }]);
  assert.is(third.status, 200, third.body);
  const current = third.json().spec.ephemeralContainers;
  const fourth = await patch('application/merge-patch+json', { spec: { ephemeralContainers: [...current, debugger_('dbg-4', { targetContainerName: undefined })] } });
  assert.is(fourth.status, 200, fourth.body);
  assert.equal(fourth.json().spec.ephemeralContainers.map((c: any) => c.name), ['dbg-1', 'dbg-2', 'dbg-3', 'dbg-4']);
  // A PUT of the whole pod, as client-go's UpdateEphemeralContainers sends it.
  const pod = fourth.json();
  pod.spec.ephemeralContainers.push(debugger_('dbg-5'));
  const put = await call(sandbox, SUB, { method: 'PUT', body: JSON.stringify(pod), headers: { 'Content-Type': 'application/json' } });
  assert.is(put.status, 200, put.body);
  assert.is(put.json().spec.ephemeralContainers.length, 5);
});

test('a debug container cannot be removed or changed once added, as the API server says', async () => {
  const removed = await patch('application/json-patch+json', [{ op: 'remove', path: '/spec/ephemeralContainers/0' }]);
  assert.is(removed.status, 422);
  assert.is(removed.json().message, 'Pod "alpine-tools" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg-1" may not be removed');
  assert.equal(removed.json().details.causes, [{ reason: 'FieldValueForbidden', message: 'Forbidden: existing ephemeral containers "dbg-1" may not be removed', field: 'spec.ephemeralContainers' }]);

  const changed = await patch(STRATEGIC, { spec: { ephemeralContainers: [{ name: 'dbg-1', image: 'alpine:3.20' }] } });
  assert.is(changed.status, 422);
  assert.match(changed.json().message, 'existing ephemeral containers "dbg-1" may not be changed');

  const deleted = await patch(STRATEGIC, { spec: { ephemeralContainers: [{ name: 'dbg-1', $patch: 'delete' }] } });
  assert.is(deleted.status, 422);
  const emptied = await patch('application/merge-patch+json', { spec: { ephemeralContainers: null } });
  assert.is(emptied.status, 422);
  assert.is((await call(sandbox, SUB)).json().spec.ephemeralContainers[0].image, 'busybox:1.36');
});

test('new debug containers are checked: a name in use, a target that is not a container, fields an ephemeral container may not have', async () => {
  const taken = await patch(STRATEGIC, { spec: { ephemeralContainers: [debugger_('tools')] } });
  assert.is(taken.status, 422);
  assert.match(taken.json().message, 'spec.ephemeralContainers[5].name: Duplicate value: "tools"');
  const target = await patch(STRATEGIC, { spec: { ephemeralContainers: [debugger_('dbg-x', { targetContainerName: 'nothing' })] } });
  assert.is(target.status, 422);
  assert.match(target.json().message, 'spec.ephemeralContainers[5].targetContainerName: Not found: "nothing"');
  const ports = await patch(STRATEGIC, { spec: { ephemeralContainers: [debugger_('dbg-y', { ports: [{ containerPort: 80 }] })] } });
  assert.is(ports.status, 422);
  assert.match(ports.json().message, 'spec.ephemeralContainers[5].ports: Forbidden: cannot be set for an Ephemeral Container');
  const noImage = await patch(STRATEGIC, { spec: { ephemeralContainers: [{ name: 'dbg-z' }] } });
  assert.match(noImage.json().message, 'spec.ephemeralContainers[5].image: Required value');
});

test('patch bodies that are not patches: an unknown format is a 415, broken JSON a 400, a prototype key changes nothing', async () => {
  const yaml = await patch('application/apply-patch+yaml', 'spec: {}');
  assert.is(yaml.status, 415);
  assert.match(yaml.json().message, 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json');
  assert.is((await patch(STRATEGIC, '{"spec":')).status, 400);
  const polluting = await patch('application/json-patch+json', [{ op: 'add', path: '/__proto__/polluted', value: 'yes' }]);
  assert.is(polluting.status, 422);
  const merged = await patch('application/merge-patch+json', '{"__proto__":{"polluted":"yes"}}');
  assert.is(merged.status, 200);
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

test('an image the sandbox lacks waits in ImagePullBackOff; the pod itself goes on running', async () => {
  assert.is((await patch(STRATEGIC, { spec: { ephemeralContainers: [debugger_('dbg-bad', { image: 'nosuch/image:9' })] } })).status, 200);
  const waiting = await waitFor(async () => (await statusOf('dbg-bad'))?.state.waiting?.reason === 'ImagePullBackOff' && (await statusOf('dbg-bad')), 'ImagePullBackOff');
  assert.is(waiting.state.waiting.message, 'Back-off pulling image "nosuch/image:9"');
  assert.is((await call(sandbox, SUB)).json().status.phase, 'Running');
});

test('a debug container whose target is not running (crash-looping) cannot start: CreateContainerError says why', async () => {
  const crashloop = '/api/v1/namespaces/default/pods/crashloop/ephemeralcontainers';
  const added = await call(sandbox, crashloop, { method: 'PATCH', body: JSON.stringify({ spec: { ephemeralContainers: [debugger_('dbg-c', { targetContainerName: 'app' })] } }), headers: { 'Content-Type': STRATEGIC } });
  assert.is(added.status, 200, added.body);
  const waiting = await waitFor(async () => {
    const status = (await call(sandbox, crashloop)).json().status.ephemeralContainerStatuses[0];
    return status.state.waiting?.reason === 'CreateContainerError' && status;
  }, 'CreateContainerError');
  assert.is(waiting.state.waiting.message, 'target container "app" is not running: no process namespace to join');
});

test('an init container may be a target, as the API server validates it: a native sidecar\'s debug container runs; a completed one has no process namespace to join', async () => {
  const meshed = '/api/v1/namespaces/default/pods/meshed/ephemeralcontainers';
  const add = (name: string, target: string) => call(sandbox, meshed, { method: 'PATCH', body: JSON.stringify({ spec: { ephemeralContainers: [debugger_(name, { targetContainerName: target })] } }), headers: { 'Content-Type': STRATEGIC } });
  const statusIn = async (name: string) => ((await call(sandbox, meshed)).json().status.ephemeralContainerStatuses ?? []).find((s: any) => s.name === name);
  const sidecar = await add('dbg-proxy', 'proxy');
  assert.is(sidecar.status, 200, sidecar.body);
  await waitFor(async () => (await statusIn('dbg-proxy'))?.state.running, 'the debug container of the sidecar running');
  const init = await add('dbg-setup', 'setup');
  assert.is(init.status, 200, init.body);
  const waiting = await waitFor(async () => (await statusIn('dbg-setup'))?.state.waiting?.reason === 'CreateContainerError' && (await statusIn('dbg-setup')), 'CreateContainerError');
  assert.is(waiting.state.waiting.message, 'target container "setup" is not running: no process namespace to join');
});

test('RBAC: patch on pods/ephemeralcontainers (alice may, bob may not); the pod 404s when absent', async () => {
  const refused = await patch(STRATEGIC, { spec: { ephemeralContainers: [debugger_('bobs')] } }, bob.token);
  assert.is(refused.status, 403);
  assert.is(refused.json().message, 'pods "alpine-tools" is forbidden: User "bob" cannot patch resource "pods/ephemeralcontainers" in API group "" in the namespace "default"');
  assert.is((await patch(STRATEGIC, { spec: { ephemeralContainers: [debugger_('alices')] } }, alice.token)).status, 200);
  const missing = await call(sandbox, '/api/v1/namespaces/default/pods/nothing/ephemeralcontainers', { method: 'PATCH', body: '{}', headers: { 'Content-Type': STRATEGIC } });
  assert.is(missing.status, 404);
  assert.is(missing.json().message, 'pods "nothing" not found');
});

test.run();

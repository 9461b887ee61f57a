// Real kubectl 1.33 debugging the demo cluster, isolated by bubblewrap as a node isolates pods:
// a debug container (`kubectl debug --target`) in the PID namespace of a shell-less container
// sees its processes and, through /proc/1/root, its files; a debug copy of a crash-looping pod
// (`--copy-to`) runs the command given and is deleted like any pod; `kubectl run` and a manifest
// make pods kept as given (labels, owner references); kubectl debug sends its copy as protobuf.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiRequest, kubectl, startTestSandbox } from '../../support/sandbox.ts';
import { waitFor } from '../../support/wait.ts';

const sandbox = await startTestSandbox();
test.after(() => sandbox.close());
const run = async (...args: string[]) => {
  const result = await kubectl(sandbox, '1.33', args);
  return { ...result, out: result.stdout.toString() };
};
const podJson = async (name: string) => JSON.parse((await apiRequest(sandbox, `/api/v1/namespaces/default/pods/${name}`)).body);

test("kubectl debug --target into distroless-app: /proc/1/root is the target's filesystem, not the debug image's", async () => {
  const result = await run('debug', '-i', 'distroless-app', '--image=busybox:1.36', '--target=app', '--', 'sh', '-c', 'ls /proc/1/root; grep PRETTY /proc/1/root/etc/os-release; echo programs=$(ls /proc/1/root/usr/bin | wc -l); grep PRETTY /etc/os-release');
  assert.is(result.code, 0, result.stderr);
  assert.match(result.out, /\betc\b[\s\S]*\busr\b/);
  // The target's image names itself, and it has no programs at all; the debug container's own root is busybox's.
  assert.match(result.out, 'PRETTY_NAME="gcr.io/distroless/static:nonroot (octant-exec sandbox image)"');
  assert.match(result.out, 'programs=0');
  assert.match(result.out, 'PRETTY_NAME="busybox:1.36 (octant-exec sandbox image)"');
  const pod = await podJson('distroless-app');
  const [debugContainer] = pod.spec.ephemeralContainers;
  assert.equal([debugContainer.image, debugContainer.targetContainerName], ['busybox:1.36', 'app']);
  const status = pod.status.ephemeralContainerStatuses.find((s: any) => s.name === debugContainer.name);
  assert.is(status.state.terminated?.exitCode, 0, JSON.stringify(status));
});

test("a debug container sees the target's processes, and only the pod's", async () => {
  const created = await run('run', 'sleeper', '--image=busybox:1.36', '--', 'sleep', '4242');
  assert.is(created.code, 0, created.stderr);
  await waitFor(async () => (await podJson('sleeper')).status.containerStatuses[0].state.running, 'sleeper running', 20_000);
  const result = await run('debug', '-i', 'sleeper', '--image=busybox:1.36', '--target=sleeper', '--', 'ps', '-eo', 'args');
  assert.is(result.code, 0, result.stderr);
  assert.match(result.out, 'sleep 4242');
  assert.match(result.out, 'ps -eo args');
  assert.not.match(result.out, 'kubectl', 'nothing of this machine');
});

test('kubectl debug crashloop --copy-to: the copy runs the command (ok), is a pod like any other, and is deleted', async () => {
  const result = await run('debug', 'crashloop', '--copy-to=crashloop-debug', '--container=app', '-i', '--', 'sh', '-c', 'echo ok');
  assert.is(result.code, 0, result.stderr);
  assert.match(result.out, /^ok$/m);
  const got = await run('get', 'pod', 'crashloop-debug', '-o', 'json');
  assert.is(got.code, 0, got.stderr);
  const copy = JSON.parse(got.out);
  assert.equal(copy.spec.containers[0].command, ['sh', '-c', 'echo ok']);
  // kubectl sent it as protobuf: these came through that encoding.
  assert.equal([copy.spec.containers[0].stdin, copy.spec.containers[0].image, copy.spec.restartPolicy], [true, 'busybox:1.36', 'Always']);
  assert.equal(copy.status.containerStatuses[0].state.terminated?.exitCode, 0);
  const layers = join(sandbox.stateDir, 'pods', 'default', 'crashloop-debug');
  assert.ok(existsSync(layers), 'the copy has layers of its own');
  const deleted = await run('delete', 'pod', 'crashloop-debug');
  assert.is(deleted.code, 0, deleted.stderr);
  const gone = await run('get', 'pod', 'crashloop-debug');
  assert.is(gone.code, 1);
  assert.match(gone.stderr, 'pods "crashloop-debug" not found');
  // Its containers are stopped and their layers removed with it.
  await waitFor(() => !existsSync(layers), "the copy's layers to be removed");
});

test('a pod from a manifest keeps its labels and owner references; an unknown image waits; bad ones are refused', async () => {
  const manifest = join(sandbox.scratch, 'pod.json');
  const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'tools-5d8', uid: '3b6f1f5e-2f7a-4c4e-9a53-7d1c0f6f2a11', controller: true };
  writeFileSync(manifest, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'from-manifest', labels: { app: 'manifest' }, ownerReferences: [owner] }, spec: { containers: [{ name: 'c', image: 'alpine:3.20', command: ['sleep', '1000'] }] } }));
  // The sandbox serves no OpenAPI documents, which kubectl's client-side validation reads.
  const created = await run('create', '--validate=false', '-f', manifest);
  assert.is(created.code, 0, created.stderr);
  const pod = await podJson('from-manifest');
  assert.equal(pod.metadata.labels, { app: 'manifest' });
  assert.equal(pod.metadata.ownerReferences, [owner]);
  await waitFor(async () => (await podJson('from-manifest')).status.containerStatuses[0].state.running, 'from-manifest running', 20_000);
  const exec = await run('exec', 'from-manifest', '--', 'cat', '/etc/hostname');
  assert.is(exec.out, 'from-manifest\n', exec.stderr);

  const again = await run('create', '--validate=false', '-f', manifest);
  assert.is(again.code, 1);
  assert.match(again.stderr, 'pods "from-manifest" already exists');
  const badName = await run('run', 'Bad_Name', '--image=busybox:1.36');
  assert.is(badName.code, 1);
  // kubectl lists the causes: the pod's name, and the container's (kubectl run names it after the pod).
  assert.match(badName.stderr, 'The Pod "Bad_Name" is invalid: \n* metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain');
  assert.match(badName.stderr, '* spec.containers[0].name: Invalid value: "Bad_Name"');

  assert.is((await run('run', 'no-such-image', '--image=example.com/none:1')).code, 0);
  await waitFor(async () => (await podJson('no-such-image')).status.containerStatuses[0].state.waiting?.reason === 'ImagePullBackOff', 'ImagePullBackOff', 20_000);
  const removal = await run('patch', 'pod', 'distroless-app', '--subresource=ephemeralcontainers', '--type=json', '-p', '[{"op":"remove","path":"/spec/ephemeralContainers/0"}]');
  assert.is(removal.code, 1);
  assert.match(removal.stderr, 'spec.ephemeralContainers: Forbidden: existing ephemeral containers');
});

test.run();

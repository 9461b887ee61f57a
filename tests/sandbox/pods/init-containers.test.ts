// Init containers as a kubelet runs them, with real kubectl: a pod still initializing (its init
// container runs and takes execs; its main container waits in PodInitializing and refuses them,
// as the kubelet does), and a native sidecar (restartPolicy: Always) running beside the main
// container, from the demo fixture and from a pod made through the API, whose start order holds
// everything behind an init container whose image cannot be pulled.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { apiRequest, kubectl, startTestSandbox } from '../../support/sandbox.ts';
import { checkFixture } from '../../../src/sandbox/fixture/fixture.ts';
import { isInitialized } from '../../../src/sandbox/fixture/start-order.ts';
import { waitFor } from '../../support/wait.ts';

const sandbox = await startTestSandbox();
test.after(() => sandbox.close());

type Status = { name: string; ready: boolean; started: boolean; state: Record<string, { reason?: string }> };
async function podStatus(name: string) {
  const result = await kubectl(sandbox, '1.33', ['get', 'pod', name, '-o', 'json']);
  assert.is(result.code, 0, result.stderr);
  const pod = JSON.parse(result.stdout.toString());
  const condition = (type: string) => pod.status.conditions.find((c: { type: string }) => c.type === type)?.status;
  const byName = (list: Status[] = []) => Object.fromEntries(list.map((s) => [s.name, s]));
  return { pod, phase: pod.status.phase, initialized: condition('Initialized'), ready: condition('Ready'), init: byName(pod.status.initContainerStatuses), main: byName(pod.status.containerStatuses) };
}

test('a pod whose init container still runs: Pending, not initialized, its main container waiting in PodInitializing', async () => {
  const status = await podStatus('migrating');
  assert.equal([status.phase, status.initialized, status.ready], ['Pending', 'False', 'False']);
  assert.ok(status.init.migrate.state.running, 'the init container runs');
  assert.equal([status.init.migrate.started, status.init.migrate.ready], [true, false], 'started, and not ready until it completes');
  assert.is(status.main.app.state.waiting?.reason, 'PodInitializing');
});

test('kubectl exec -c reaches the running init container; the main container refuses as the kubelet does, and no process starts', async () => {
  const init = await kubectl(sandbox, '1.33', ['exec', 'migrating', '-c', 'migrate', '--', 'sh', '-c', 'echo in-$(hostname)']);
  assert.is(init.code, 0, init.stderr);
  assert.is(init.stdout.toString(), 'in-migrating\n');
  const before = sandbox.execCount();
  const main = await kubectl(sandbox, '1.33', ['exec', 'migrating', '-c', 'app', '--', 'true']);
  assert.is(main.code, 1);
  assert.match(main.stderr, 'container not found ("app")');
  assert.is(sandbox.execCount(), before);
});

test('a native sidecar runs beside the main container: Running, initialized, ready and started; exec reaches it, not the completed init container', async () => {
  const status = await podStatus('meshed');
  assert.equal([status.phase, status.initialized, status.ready], ['Running', 'True', 'True']);
  assert.is(status.pod.spec.initContainers.find((c: { name: string }) => c.name === 'proxy').restartPolicy, 'Always');
  assert.equal([Boolean(status.init.proxy.state.running), status.init.proxy.started, status.init.proxy.ready], [true, true, true]);
  assert.is(status.init.setup.state.terminated?.reason, 'Completed');
  assert.ok(status.main.app.state.running);
  const sidecar = await kubectl(sandbox, '1.33', ['exec', 'meshed', '-c', 'proxy', '--', 'sh', '-c', 'echo sidecar']);
  assert.is(sidecar.code, 0, sidecar.stderr);
  assert.is(sidecar.stdout.toString(), 'sidecar\n');
  const completed = await kubectl(sandbox, '1.33', ['exec', 'meshed', '-c', 'setup', '--', 'true']);
  assert.is(completed.code, 1);
  assert.match(completed.stderr, 'container not found ("setup")');
});

test('kubectl logs: the waiting main container says why, as the API server does', async () => {
  const result = await kubectl(sandbox, '1.33', ['logs', 'migrating', '-c', 'app']);
  assert.is(result.code, 1);
  assert.match(result.stderr, 'container "app" in pod "migrating" is waiting to start: PodInitializing');
});

test('a pod made through the API starts its sidecar with its main container; a plain init container shows completed', async () => {
  const manifest = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'made-meshed' },
    spec: {
      initContainers: [
        { name: 'setup', image: 'busybox:1.36', command: ['true'] },
        // busybox's own command (sh) would end at once without a stdin, and its container with it
        { name: 'proxy', image: 'busybox:1.36', restartPolicy: 'Always', command: ['sleep', '3600'] },
      ],
      containers: [
        { name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'] },
        { name: 'worker', image: 'busybox:1.36', command: ['sleep', '3600'] },
      ],
    },
  };
  const created = await kubectl(sandbox, '1.33', ['create', '--validate=false', '-f', '-'], JSON.stringify(manifest));
  assert.is(created.code, 0, created.stderr);
  const status = await waitFor(async () => {
    const s = await podStatus('made-meshed');
    return s.phase === 'Running' && s.init.proxy.state.running ? s : undefined;
  }, 'the created pod running with its sidecar');
  assert.is(status.init.setup.state.terminated?.reason, 'Completed');
  assert.equal([status.init.proxy.ready, status.initialized, status.ready], [true, 'True', 'True']);
  const sidecar = await kubectl(sandbox, '1.33', ['exec', 'made-meshed', '-c', 'proxy', '--', 'sh', '-c', 'echo made-sidecar']);
  assert.is(sidecar.stdout.toString(), 'made-sidecar\n', sidecar.stderr);
  // Without a container, the API server lists the init containers among the choices.
  const unnamed = await apiRequest(sandbox, '/api/v1/namespaces/default/pods/made-meshed/log');
  assert.is(JSON.parse(unnamed.body).message, 'a container name must be specified for pod made-meshed, choose one of: [app worker] or one of the init containers: [setup proxy]');
});

test('a created pod keeps the start order: an init container whose image cannot be pulled, sidecar or plain, holds the rest in PodInitializing', async () => {
  const pod = (name: string, initContainers: object[]) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { initContainers, containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'] }] } });
  const sidecarFirst = pod('held-by-sidecar', [
    { name: 'proxy', image: 'registry.invalid/proxy:1', restartPolicy: 'Always' },
    { name: 'setup', image: 'busybox:1.36', command: ['true'] },
  ]);
  const plainFirst = pod('held-by-init', [{ name: 'setup', image: 'registry.invalid/setup:1', command: ['true'] }]);
  const created = await kubectl(sandbox, '1.33', ['create', '--validate=false', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [sidecarFirst, plainFirst] }));
  assert.is(created.code, 0, created.stderr);
  for (const [name, holder, waiting] of [['held-by-sidecar', 'proxy', ['setup']], ['held-by-init', 'setup', []]] as const) {
    const status = await waitFor(async () => {
      const s = await podStatus(name);
      return s.init[holder].state.waiting?.reason === 'ImagePullBackOff' ? s : undefined;
    }, `${holder} of ${name} in ImagePullBackOff`);
    assert.equal([status.phase, status.initialized, status.ready], ['Pending', 'False', 'False'], name);
    for (const behind of waiting) assert.is(status.init[behind].state.waiting?.reason, 'PodInitializing', `${name}: ${behind} waits its turn`);
    assert.is(status.main.app.state.waiting?.reason, 'PodInitializing', `${name}: app waits its turn`);
    const refused = await kubectl(sandbox, '1.33', ['exec', name, '-c', 'app', '--', 'true']);
    assert.match(refused.stderr, 'container not found ("app")');
  }
});

test('kubectl debug --copy-to (a protobuf body) keeps a sidecar a sidecar', async () => {
  const copied = await kubectl(sandbox, '1.33', ['debug', 'meshed', '--copy-to=meshed-copy', '--container=app', '--', 'sleep', '3600']);
  assert.is(copied.code, 0, copied.stderr);
  const { pod } = await podStatus('meshed-copy');
  assert.equal(pod.spec.initContainers.map((c: { name: string; restartPolicy?: string }) => [c.name, c.restartPolicy ?? '']), [['setup', ''], ['proxy', 'Always']]);
});

test("a sidecar whose main process ends is terminated: the pod is no longer ready, and exec into it is refused", async () => {
  const manifest = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'short-sidecar' },
    spec: {
      // lives past the kubelet's first relist (1 s), so it is first seen running
      initContainers: [{ name: 'proxy', image: 'busybox:1.36', restartPolicy: 'Always', command: ['sleep', '1.5'] }],
      containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'] }],
    },
  };
  const created = await kubectl(sandbox, '1.33', ['create', '--validate=false', '-f', '-'], JSON.stringify(manifest));
  assert.is(created.code, 0, created.stderr);
  const status = await waitFor(async () => {
    const s = await podStatus('short-sidecar');
    return s.init.proxy.state.terminated ? s : undefined;
  }, 'the sidecar to end');
  assert.equal([status.init.proxy.ready, status.ready, Boolean(status.main.app.state.running)], [false, 'False', true]);
  const refused = await kubectl(sandbox, '1.33', ['exec', 'short-sidecar', '-c', 'proxy', '--', 'true']);
  assert.match(refused.stderr, 'container not found ("proxy")');
});

test('a pod stays initialized once its main containers have started, even after its sidecar has ended (as the kubelet keeps the condition)', () => {
  const ended = { terminated: { exitCode: 0, reason: 'Completed' } };
  assert.ok(isInitialized({ name: 'p', initContainers: [{ name: 'proxy', restartPolicy: 'Always', state: ended }], containers: [{ name: 'app', state: 'running' }] }));
  assert.not.ok(isInitialized({ name: 'p', initContainers: [{ name: 'proxy', restartPolicy: 'Always', state: { waiting: { reason: 'ImagePullBackOff' } } }], containers: [{ name: 'app', state: { waiting: { reason: 'PodInitializing' } } }] }));
});

test('fixture checks: restartPolicy only on an init container, and only "Always"; no command for a running plain init container', () => {
  const pod = (extra: object) => ({ namespaces: [{ name: 'ns', pods: [{ name: 'p', ...extra }] }] });
  assert.throws(() => checkFixture(pod({ containers: [{ name: 'app', restartPolicy: 'Always' }] })), /containers\[0\]\.restartPolicy is for init containers only/);
  assert.throws(() => checkFixture(pod({ containers: [{ name: 'app' }], initContainers: [{ name: 'init', restartPolicy: 'Never' }] })), /initContainers\[0\]\.restartPolicy must be "Always"/);
  assert.throws(() => checkFixture(pod({ containers: [{ name: 'app' }], initContainers: [{ name: 'app' }] })), /containers\[0\]\.name repeats "app"/);
  // A running init container whose command ends would hold its pod unready for good: no command there.
  assert.throws(() => checkFixture(pod({ containers: [{ name: 'app' }], initContainers: [{ name: 'init', state: 'running', command: ['true'] }] })), /initContainers\[0\]\.command cannot be given to a running plain init container/);
  checkFixture(pod({ containers: [{ name: 'app' }], initContainers: [{ name: 'init', state: 'running' }, { name: 'proxy', restartPolicy: 'Always', command: ['sleep', '9'] }] }));
});

test.run();

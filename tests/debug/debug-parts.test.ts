// The pure parts of debug actions: the copy's spec, the debug image list, the mode in a request,
// which debug container is reused, and the bounded wait for a new container to run.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { V1Pod } from '@kubernetes/client-node';
import { COPY_OF_ANNOTATION, DEBUG_COPY_LABEL, MADE_FOR_ANNOTATION, copyName, debugCopyOf } from '../../src/adapters/kubernetes/debug-copy-spec.ts';
import { reusableDebugContainer } from '../../src/adapters/kubernetes/debug-pods.ts';
import { containerRunning } from '../../src/adapters/kubernetes/container-running.ts';
import { ClusterError } from '../../src/adapters/cluster.ts';
import { debugImageList, debugImageProblem } from '../../src/domain/debug-images.ts';
import { parseExecBody } from '../../src/server/exec-body.ts';
import { HttpError } from '../../src/server/replies.ts';
import { nameProblem } from '../../src/domain/names.ts';
import { serveOptions } from '../../src/cli/serve/serve-options.ts';
import { UsageError } from '../../src/cli/usage.ts';

const probe = { exec: { command: ['true'] } };
const crashloop: V1Pod = {
  metadata: { name: 'crashloop', namespace: 'default', uid: 'u1', resourceVersion: '7', labels: { app: 'crashloop' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u0', controller: true }] },
  spec: {
    nodeName: 'node-1',
    restartPolicy: 'Always',
    containers: [
      { name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'exit 1'], args: ['x'], livenessProbe: probe, readinessProbe: probe, startupProbe: probe, env: [{ name: 'A', value: '1' }] },
      { name: 'side', image: 'busybox:1.36', readinessProbe: probe },
    ],
    ephemeralContainers: [{ name: 'debugger-old11', image: 'busybox:1.36' }],
  },
  status: { phase: 'Running' },
};

test('a debug copy: the chosen container sleeps, no probes, no labels but the marker, no owner, no restarts, says who and from what', () => {
  const copy = debugCopyOf(crashloop, 'app', 'crashloop-debug-x2k4p', 'alice');
  assert.equal(copy.metadata, { name: 'crashloop-debug-x2k4p', namespace: 'default', labels: { [DEBUG_COPY_LABEL]: 'true' }, annotations: { [COPY_OF_ANNOTATION]: 'crashloop', [MADE_FOR_ANNOTATION]: 'alice' } });
  const [app, side] = copy.spec!.containers;
  assert.equal(app.command, ['sleep', '2147483647']);
  assert.is(app.args, undefined);
  assert.equal(app.env, [{ name: 'A', value: '1' }], 'the rest of the container is kept');
  for (const c of [app, side]) assert.ok(!c.livenessProbe && !c.readinessProbe && !c.startupProbe);
  assert.is(side.command, undefined, 'the other containers keep their commands');
  assert.is(copy.spec!.restartPolicy, 'Never');
  assert.is(copy.spec!.nodeName, undefined);
  assert.is(copy.spec!.ephemeralContainers, undefined);
  assert.is(copy.status, undefined);
  assert.equal(crashloop.spec!.containers[0].command, ['sh', '-c', 'exit 1'], 'the original is not changed');
});

test("a copy's name is a valid pod name even for the longest pod names", () => {
  assert.is(copyName('crashloop', 'x2k4p'), 'crashloop-debug-x2k4p');
  const long = copyName(`${'a'.repeat(250)}-b`, 'x2k4p');
  assert.is(long.length <= 253, true);
  assert.is(nameProblem('pod', long), undefined);
});

test('a running debug container of the same image for the same target is reused; another image, target or a finished one is not', () => {
  const pod: V1Pod = {
    spec: {
      containers: [{ name: 'app' }],
      ephemeralContainers: [
        { name: 'done', image: 'busybox:1.36', targetContainerName: 'app' },
        { name: 'other-image', image: 'alpine:3.20', targetContainerName: 'app' },
        { name: 'other-target', image: 'busybox:1.36', targetContainerName: 'side' },
        { name: 'good', image: 'busybox:1.36', targetContainerName: 'app' },
      ],
    },
    status: {
      ephemeralContainerStatuses: [
        { name: 'done', image: 'busybox:1.36', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0 } } },
        ...['other-image', 'other-target', 'good'].map((name) => ({ name, image: '', imageID: '', ready: false, restartCount: 0, state: { running: {} } })),
      ],
    },
  };
  assert.is(reusableDebugContainer(pod, 'app', 'busybox:1.36'), 'good');
  assert.is(reusableDebugContainer(pod, 'app', 'busybox:1.35'), undefined);
  pod.status!.ephemeralContainerStatuses!.pop();
  assert.is(reusableDebugContainer(pod, 'app', 'busybox:1.36'), undefined);
});

test('debug images: busybox:1.36 by default, the flags otherwise; anything else is refused naming the list', () => {
  assert.equal(debugImageList(undefined), ['busybox:1.36']);
  assert.equal(debugImageList(['nicolaka/netshoot:v0.13', 'busybox:1.36', 'busybox:1.36']), ['nicolaka/netshoot:v0.13', 'busybox:1.36']);
  assert.throws(() => debugImageList(['busybox; rm -rf /']), /not an image reference/);
  assert.is(debugImageProblem('busybox:1.36', ['busybox:1.36']), undefined);
  assert.match(debugImageProblem('evil/miner:latest', ['busybox:1.36'])!, /"evil\/miner:latest" is not allowed here: this server offers busybox:1\.36/);
});

test('--debug-image: repeatable, checked at start (a usage error names the bad one)', () => {
  assert.equal(serveOptions({ 'debug-image': ['busybox:1.36', 'nicolaka/netshoot:v0.13'] } as never, {}).options.debugImages, ['busybox:1.36', 'nicolaka/netshoot:v0.13']);
  assert.is(serveOptions({} as never, {}).options.debugImages, undefined, 'the server default applies');
  assert.throws(() => serveOptions({ 'debug-image': ['busybox:1.36 --privileged'] } as never, {}), (error: unknown) => error instanceof UsageError && /not an image reference/.test(error.message));
});

test("a request's mode: checked strictly, debug images from the server's list only", () => {
  const body = { namespace: 'default', pod: 'web', container: 'nginx' };
  assert.equal(parseExecBody({ ...body, mode: { kind: 'debug', image: 'busybox:1.36' } }).mode, { kind: 'debug', image: 'busybox:1.36' });
  assert.equal(parseExecBody({ ...body, mode: { kind: 'copy' } }).mode, { kind: 'copy' });
  const refusals: [unknown, RegExp][] = [
    [{ ...body, mode: { kind: 'debug', image: 'alpine:3.20' } }, /not allowed here/],
    [{ ...body, mode: { kind: 'debug' } }, /not allowed here/],
    [{ ...body, mode: { kind: 'copy', source: 'other' } }, /Unknown field "mode.source"/],
    [{ ...body, mode: { kind: 'shell' } }, /mode must be/],
    // names every object inherits are no kinds (they once reached a 500)
    [{ ...body, mode: { kind: 'toString' } }, /mode must be/],
    [{ ...body, mode: { kind: '__proto__' } }, /mode must be/],
    [{ ...body, mode: 'debug' }, /mode must be/],
    [{ namespace: 'default', pod: 'web', containers: 'all', mode: { kind: 'copy' } }, /one container/],
    [{ ...body, interactive: false, mode: { kind: 'debug', image: 'busybox:1.36' } }, /interactive cannot be false/],
  ];
  for (const [bad, said] of refusals) {
    assert.throws(() => parseExecBody(bad), (error: unknown) => error instanceof HttpError && error.status === 400 && said.test(error.message), JSON.stringify(bad));
  }
  assert.equal(parseExecBody({ ...body, mode: { kind: 'debug', image: 'alpine:3.20' } }, ['alpine:3.20']).mode, { kind: 'debug', image: 'alpine:3.20' });
});

/** The error a promise rejects with (fails when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** A pod read that gives these container states in turn (the last one again after that). */
function reads(...states: object[]) {
  let i = 0;
  return async (): Promise<V1Pod> => ({ status: { phase: 'Running', ephemeralContainerStatuses: [{ name: 'd', image: '', imageID: '', ready: false, restartCount: 0, state: states[Math.min(i++, states.length - 1)] }] } });
}

test('waiting for a new container: it runs; it cannot start (bad image) ends at once; it never runs ends at the bound', async () => {
  await containerRunning({ read: reads({ waiting: { reason: 'ContainerCreating' } }, { running: {} }), container: 'd', ephemeral: true, what: 'debug container "d"' });
  const what = 'debug container "d"';
  const badImage = await rejection(containerRunning({ read: reads({ waiting: { reason: 'ErrImagePull', message: 'no such image' } }), container: 'd', ephemeral: true, what }));
  assert.ok(badImage instanceof ClusterError && badImage.status === 409);
  assert.match(badImage.message, /cannot start \(ErrImagePull: no such image\)/);
  assert.match((await rejection(containerRunning({ read: reads({ terminated: { exitCode: 128, reason: 'StartError' } }), container: 'd', ephemeral: true, what }))).message, /ended before it ran \(StartError\)/);
  const slow = await rejection(containerRunning({ read: reads({ waiting: { reason: 'ContainerCreating' } }), container: 'd', ephemeral: true, what, withinMs: 300 }));
  assert.ok(slow instanceof ClusterError && slow.status === 504);
  assert.match(slow.message, /did not start within 0 s: check its events/);
});

test('waiting for a container in a pod still initializing: the bound names the init container that holds it, not a sidecar that runs', async () => {
  const init = (name: string, state: object, started: boolean) => ({ name, image: '', imageID: '', ready: false, restartCount: 0, started, state });
  const read = async (): Promise<V1Pod> => ({
    metadata: { name: 'web-copy' },
    spec: { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }, { name: 'migrate' }], containers: [{ name: 'app' }] },
    status: {
      phase: 'Pending',
      initContainerStatuses: [init('proxy', { running: {} }, true), init('migrate', { running: {} }, true)],
      containerStatuses: [init('app', { waiting: { reason: 'PodInitializing' } }, false)],
    },
  });
  const slow = await rejection(containerRunning({ read, container: 'app', ephemeral: false, what: 'container "app" of the copy', withinMs: 300 }));
  assert.ok(slow instanceof ClusterError && slow.status === 504);
  assert.match(slow.message, 'its pod is still initializing: init container "migrate" has not finished (open a shell in it, or read its log: "kubectl logs web-copy -c migrate")');
});

/** A debug copy's pod, held by an init container `fetch` in the given state (the main container waits for it). */
function heldCopy(fetch: object, sidecar = false) {
  let read = 0;
  return {
    reads: () => read,
    read: async (): Promise<V1Pod> => {
      read++;
      return {
        metadata: { name: 'slowinit-debug-x2k4p' },
        spec: { initContainers: [{ name: 'fetch', ...(sidecar ? { restartPolicy: 'Always' } : {}) }], containers: [{ name: 'app' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [{ name: 'fetch', image: '', imageID: '', ready: false, restartCount: 0, started: false, state: fetch }],
          containerStatuses: [{ name: 'app', image: '', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'PodInitializing' } } }],
        },
      };
    },
  };
}

test('a copy held by an init container whose image cannot be pulled fails at its first read, naming the init container and the reason', async () => {
  const what = 'debug copy "slowinit-debug-x2k4p" of pod "slowinit"';
  for (const [sidecar, must] of [[false, 'finish'], [true, 'run']] as const) {
    const copy = heldCopy({ waiting: { reason: 'ErrImagePull', message: 'registry.example.com/missing:1: not found' } }, sidecar);
    const failed = await rejection(containerRunning({ read: copy.read, container: 'app', ephemeral: false, what, copyOf: 'slowinit' }));
    assert.ok(failed instanceof ClusterError && failed.status === 409);
    assert.is(failed.message, `The ${what} cannot start: its init container "fetch", which must ${must} first, cannot start (ErrImagePull: registry.example.com/missing:1: not found).`);
    assert.is(copy.reads(), 1, 'no waiting for the bound');
  }
  const backOff = await rejection(containerRunning({ read: heldCopy({ waiting: { reason: 'ImagePullBackOff' } }).read, container: 'app', ephemeral: false, what, copyOf: 'slowinit' }));
  assert.match(backOff.message, /init container "fetch", which must finish first, cannot start \(ImagePullBackOff\)/);
});

test("a copy that does not start in time: the advice names the pod it copies and what held the copy, never the deleted copy", async () => {
  const what = 'debug copy "slowinit-debug-x2k4p" of pod "slowinit"';
  const slow = await rejection(containerRunning({ read: heldCopy({ running: {} }).read, container: 'app', ephemeral: false, what, copyOf: 'slowinit', withinMs: 300 }));
  assert.ok(slow instanceof ClusterError && slow.status === 504);
  const advice = (error: Error) => error.message.split('within 0 s: ')[1] ?? '';
  assert.not.match(advice(slow), 'debug-x2k4p', 'the deleted copy is not named in the advice');
  assert.match(slow.message, 'did not start within 0 s: its init container "fetch" had not finished (it was running). The copy is deleted; pod "slowinit" has the same init containers: "kubectl describe pod slowinit" and "kubectl logs slowinit -c fetch" may say why.');
  const plain = async (): Promise<V1Pod> => ({ metadata: { name: 'web-debug-x2k4p' }, spec: { containers: [{ name: 'app' }] }, status: { phase: 'Pending', containerStatuses: [{ name: 'app', image: '', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] } });
  const unscheduled = await rejection(containerRunning({ read: plain, container: 'app', ephemeral: false, what: 'debug copy "web-debug-x2k4p" of pod "web"', copyOf: 'web', withinMs: 300 }));
  assert.match(unscheduled.message, 'its container "app" was waiting, ContainerCreating. The copy is deleted; its images and scheduling are those of pod "web": "kubectl describe pod web" may show');
  assert.not.match(advice(unscheduled), 'debug-x2k4p');
});

test('a debug container is not held by an init container that cannot start: it may run before the pod has initialized', async () => {
  let read = 0;
  const pod = heldCopy({ waiting: { reason: 'ErrImagePull' } });
  const withDebug = async (): Promise<V1Pod> => {
    const p = await pod.read();
    return { ...p, status: { ...p.status, ephemeralContainerStatuses: [{ name: 'd', image: '', imageID: '', ready: false, restartCount: 0, state: read++ ? { running: {} } : { waiting: {} } }] } };
  };
  await containerRunning({ read: withDebug, container: 'd', ephemeral: true, what: 'debug container "d"' });
});

test('waiting for a container in a pod held by a sidecar that has not started: the bound names the sidecar', async () => {
  const read = async (): Promise<V1Pod> => ({
    metadata: { name: 'web-copy' },
    spec: { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }], containers: [{ name: 'app' }] },
    status: {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'proxy', image: '', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } } }],
      containerStatuses: [{ name: 'app', image: '', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'PodInitializing' } } }],
    },
  });
  const slow = await rejection(containerRunning({ read, container: 'app', ephemeral: false, what: 'container "app" of the copy', withinMs: 300 }));
  assert.match(slow.message, 'its pod is still initializing: its sidecar "proxy" has not started (read its log: "kubectl logs web-copy -c proxy")');
});

test.run();

// The domain's reading of a pod still initializing: which init container holds it (a plain one
// until it completes, a native sidecar until it runs), the sentence that says so, and no Debug
// copy for it (the copy would wait on the same init container).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { initializingContainer, isSidecar, needsDebugCopy, notExecableReason, type ContainerInfo, type PodSummary } from '../../src/domain/pod.ts';

const container = (name: string, kind: ContainerInfo['kind'], state: Partial<ContainerInfo> = {}): ContainerInfo => ({ name, kind, image: 'busybox:1.36', state: 'running', ready: true, ...state });
const waiting = (reason: string) => ({ state: 'waiting' as const, reason, ready: false });
const completed = { state: 'terminated' as const, reason: 'Completed', exitCode: 0 };
const pod = (containers: ContainerInfo[], phase = 'Pending'): PodSummary => ({ namespace: 'default', name: 'web', phase, status: phase, labels: {}, containers, defaultContainer: 'app', ready: { ready: 0, total: 1 } });

test('a sidecar is an init container with restartPolicy: Always, nothing else', () => {
  assert.equal([isSidecar({ restartPolicy: 'Always' }), isSidecar({ restartPolicy: 'Never' }), isSidecar({})], [true, false, false]);
});

test('the init container that holds the pod: the first plain one not completed, or sidecar not running', () => {
  const app = container('app', 'regular', waiting('PodInitializing'));
  const failed = { state: 'terminated' as const, reason: 'Error', exitCode: 1 };
  assert.is(initializingContainer(pod([container('setup', 'init', completed), container('proxy', 'sidecar', waiting('ImagePullBackOff')), container('migrate', 'init', waiting('PodInitializing')), app]))?.name, 'proxy');
  assert.is(initializingContainer(pod([container('setup', 'init', failed), container('migrate', 'init', waiting('PodInitializing')), app]))?.name, 'setup');
  assert.is(initializingContainer(pod([container('proxy', 'sidecar'), container('migrate', 'init'), app]))?.name, 'migrate');
  assert.is(initializingContainer(pod([container('setup', 'init', completed), container('proxy', 'sidecar'), container('app', 'regular')], 'Running')), undefined);
});

test('the hint names what holds the pod in a sentence: a sidecar must run first, an init container comes first', () => {
  const app = container('app', 'regular', waiting('PodInitializing'));
  assert.is(
    notExecableReason(pod([container('proxy', 'sidecar', waiting('ImagePullBackOff')), app]), 'app'),
    'Container "app" is waiting (PodInitializing), not running: the pod is still initializing, and its sidecar "proxy", which must run first, is waiting (ImagePullBackOff).',
  );
  assert.is(
    notExecableReason(pod([container('migrate', 'init', { ready: false }), app]), 'app'),
    'Container "app" is waiting (PodInitializing), not running: the pod is still initializing, and init container "migrate" (running) comes first; open a shell in it to see why it has not finished.',
  );
});

test('no Debug copy for a pod whose default container waits on an init container; one for a pod whose main container cannot start', () => {
  assert.is(needsDebugCopy(pod([container('migrate', 'init'), container('app', 'regular', waiting('PodInitializing'))])), false);
  assert.is(needsDebugCopy(pod([container('setup', 'init', completed), container('app', 'regular', waiting('ImagePullBackOff'))])), true);
});

test.run();

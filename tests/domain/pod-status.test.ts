// A pod's status for the pages, as kubectl's STATUS column says it (the sandbox's `kubectl get
// pods` table is held to real kubectl's by tests/sandbox/pod-table.test.ts, through the same code).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { V1Pod } from '@kubernetes/client-node';
import { podStatusText, podStatusTone } from '../../src/domain/pod-status.ts';
import { podSummary } from '../../src/adapters/kubernetes/pod-summary.ts';

const waiting = (reason: string) => ({ ready: false, state: { waiting: { reason } } });
const running = { ready: true, state: { running: {} } };

test("the summary a page gets says a crash-looping pod's reason, though its phase is Running", () => {
  const pod: V1Pod = {
    metadata: { name: 'crashloop', namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'busybox' }] },
    status: { phase: 'Running', containerStatuses: [{ name: 'app', image: 'busybox', imageID: '', restartCount: 4, ...waiting('CrashLoopBackOff') }] },
  };
  const summary = podSummary(pod);
  assert.equal([summary.phase, summary.status], ['Running', 'CrashLoopBackOff']);
  assert.is(podSummary({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date() } }).status, 'Terminating');
  assert.is(podSummary({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date() }, status: { ...pod.status, reason: 'NodeLost' } }).status, 'Unknown', 'as kubectl says a deleted pod of a lost node');
});

test('init containers, then the last container with a reason, then the phase', () => {
  assert.is(podStatusText({ phase: 'Pending', initContainerStatuses: [waiting('PodInitializing')], containerStatuses: [waiting('PodInitializing')] }, 1), 'Init:0/1');
  assert.is(podStatusText({ phase: 'Pending', initContainerStatuses: [{ ready: false, state: { terminated: { exitCode: 1, reason: 'Error' } } }] }, 1), 'Init:Error');
  assert.is(podStatusText({ phase: 'Running', containerStatuses: [running, waiting('ImagePullBackOff')] }, 2), 'ImagePullBackOff');
  assert.is(podStatusText({ phase: 'Running', containerStatuses: [running] }, 1), 'Running');
  assert.is(podStatusText({ phase: 'Succeeded', containerStatuses: [{ ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, 1, true), 'Completed', 'a finished pod keeps its outcome while deleted');
});

test('the tone a page colours it with', () => {
  for (const ok of ['Running', 'Completed', 'Succeeded']) assert.is(podStatusTone(ok), 'ok', ok);
  for (const bad of ['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'Error', 'Init:Error', 'Init:CrashLoopBackOff', 'OOMKilled', 'Failed', 'Signal:9', 'ExitCode:2', 'Evicted', 'Unknown', 'NotReady']) assert.is(podStatusTone(bad), 'bad', bad);
  for (const pending of ['Pending', 'ContainerCreating', 'PodInitializing', 'Init:0/1', 'Terminating']) assert.is(podStatusTone(pending), 'pending', pending);
  // a Failed pod is in trouble whatever its reason reads (kubectl says Completed for some)
  for (const reason of ['Completed', 'DeadlineExceeded', 'OutOfmemory']) assert.is(podStatusTone(reason, 'Failed'), 'bad', reason);
});

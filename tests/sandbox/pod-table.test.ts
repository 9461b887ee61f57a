// The sandbox's Table rows for `kubectl get pods`, in the cases the API server's pod printer
// words apart: a finished pod being deleted, restarts while and after a pod initializes, a pod
// whose containers ended differently (the first one's word, as the real printer gives it), and a
// timestamp that does not parse.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { podTable } from '../../src/sandbox/api/pod-table.ts';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();
const terminated = (exitCode: number, reason: string) => ({ terminated: { exitCode, reason } });

/** NAME READY STATUS RESTARTS AGE of one pod. */
function row(spec: Record<string, unknown>, status: Record<string, unknown>, metadata: Record<string, unknown> = {}): unknown[] {
  const pod = { metadata: { name: 'p', creationTimestamp: ago(600), ...metadata }, spec: { containers: [{ name: 'a' }], ...spec }, status };
  const table = podTable([pod], '1', NOW) as { rows: { cells: unknown[] }[] };
  return table.rows[0].cells.slice(0, 5);
}

test('a finished pod being deleted keeps its outcome; a running one is Terminating', () => {
  const done = { phase: 'Succeeded', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: terminated(0, 'Completed') }] };
  assert.equal(row({}, done, { deletionTimestamp: ago(1) }), ['p', '0/1', 'Completed', '0', '10m']);
  const running = { phase: 'Running', containerStatuses: [{ name: 'a', ready: true, restartCount: 0, state: { running: {} } }] };
  assert.equal(row({}, running, { deletionTimestamp: ago(1) })[2], 'Terminating');
});

test("restarts: an initializing pod's are its init containers'; after, its containers' and sidecars'", () => {
  const spec = { initContainers: [{ name: 'migrate' }, { name: 'proxy', restartPolicy: 'Always' }] };
  const crashing = { name: 'migrate', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(30) } } };
  const initializing = { phase: 'Pending', initContainerStatuses: [crashing, { name: 'proxy', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }], containerStatuses: [{ name: 'a', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }] };
  assert.equal(row(spec, initializing), ['p', '0/2', 'Init:CrashLoopBackOff', '3 (30s ago)', '10m']);
  const done = { ...crashing, restartCount: 2, state: terminated(0, 'Completed') };
  const sidecar = { name: 'proxy', ready: true, restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 137, finishedAt: ago(90) } } };
  const running = { phase: 'Running', initContainerStatuses: [done, sidecar], containerStatuses: [{ name: 'a', ready: true, restartCount: 0, state: { running: {} } }] };
  assert.equal(row(spec, running), ['p', '2/2', 'Running', '1 (90s ago)', '10m'], 'the init container that finished no longer counts');
});

test("a pod whose first container completed says Completed even when another failed, as the API server's printer does (kubernetes#121563)", () => {
  const spec = { containers: [{ name: 'a' }, { name: 'b' }] };
  const status = { phase: 'Failed', containerStatuses: [{ name: 'a', restartCount: 0, state: terminated(0, 'Completed') }, { name: 'b', restartCount: 0, state: terminated(2, 'Error') }] };
  assert.equal(row(spec, status)[2], 'Completed');
  const second = { phase: 'Failed', containerStatuses: [{ name: 'a', restartCount: 0, state: terminated(2, 'Error') }, { name: 'b', restartCount: 0, state: terminated(0, 'Completed') }] };
  assert.equal(row(spec, second)[2], 'Error', 'the first container says it');
});

test('a creation time that does not parse is <unknown>, not NaN', () => {
  assert.equal(row({}, { phase: 'Pending' }, { creationTimestamp: 'not a time' })[4], '<unknown>');
});

test.run();

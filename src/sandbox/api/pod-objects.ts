// Turns fixture entries into the v1 objects a real API server returns, with the metadata and
// status fields that kubectl and dashboards read (uid, timestamps, phase, container states).
import { randomUUID } from 'node:crypto';
import type { ContainerFixture, ContainerStateFixture, PodFixture } from '../fixture/fixture.ts';
import { COMPLETED, isInitialized, POD_INITIALIZING } from '../fixture/start-order.ts';
import { isSidecar } from '../../domain/pod.ts';

export type KubeObject = Record<string, unknown> & { metadata: Record<string, unknown> };

/** The sandbox's one node, where every pod is scheduled. */
export const SANDBOX_NODE = 'octant-exec-sandbox';

/** Waiting reasons of a container that has never started: its pod is still Pending. */
const NOT_STARTED = ['ContainerCreating', 'ErrImagePull', 'ImagePullBackOff', POD_INITIALIZING];

function containerState(state: ContainerStateFixture | undefined, startedAt: string) {
  if (!state || state === 'running') return { running: { startedAt } };
  if ('waiting' in state) return { waiting: { ...state.waiting } };
  return { terminated: { ...state.terminated, startedAt, finishedAt: startedAt } };
}

export function isRunning(container: ContainerFixture): boolean {
  return !container.state || container.state === 'running';
}

function containerSpec(c: ContainerFixture) {
  return {
    name: c.name,
    image: c.image ?? 'sandbox/unnamed:latest',
    ...(c.command ? { command: [...c.command] } : {}),
    ...(c.args ? { args: [...c.args] } : {}),
    env: Object.entries(c.env ?? {}).map(([name, value]) => ({ name, value })),
    ...(c.stdin ? { stdin: true } : {}),
    ...(c.stdinOnce ? { stdinOnce: true } : {}),
    ...(c.tty ? { tty: true } : {}),
    ...(c.restartPolicy ? { restartPolicy: c.restartPolicy } : {}),
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

export function containerStatus(c: ContainerFixture, startedAt: string, index: number) {
  const running = isRunning(c);
  const waiting = typeof c.state === 'object' && 'waiting' in c.state;
  // A container waiting to start for the first time has never run; one in back-off has, many times.
  const restarting = waiting && !NOT_STARTED.includes((c.state as { waiting: { reason: string } }).waiting.reason);
  return {
    name: c.name,
    image: c.image ?? 'sandbox/unnamed:latest',
    imageID: '',
    containerID: `containerd://${randomUUID().replace(/-/g, '')}${index}`,
    ready: running,
    started: running,
    restartCount: restarting ? 7 : 0,
    state: containerState(c.state, startedAt),
    ...(restarting ? { lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt, finishedAt: startedAt } } } : {}),
  };
}

/** A container's state as the kubelet reports it once its main process has ended. */
export interface TerminatedState {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt: Date;
  finishedAt: Date;
}

/** A time as the API server writes it: RFC 3339, whole seconds. */
export const timestamp = (date: Date) => date.toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * The pod object after one of its containers (or ephemeral containers) ended: its status says
 * terminated with the exit code, not ready; the pod is no longer Ready either.
 */
export function withContainerTerminated(pod: KubeObject, container: string, ended: TerminatedState): KubeObject {
  const status = pod.status as Record<string, unknown>;
  const state = {
    terminated: {
      exitCode: ended.exitCode,
      reason: ended.reason,
      ...(ended.message ? { message: ended.message } : {}),
      startedAt: timestamp(ended.startedAt),
      finishedAt: timestamp(ended.finishedAt),
    },
  };
  const patch = (statuses: unknown) =>
    Array.isArray(statuses) ? statuses.map((s: Record<string, unknown>) => (s.name === container ? { ...s, state, ready: false, started: false } : s)) : statuses;
  const containerStatuses = patch(status.containerStatuses) as Record<string, unknown>[];
  // A sidecar's main process counts as a main container's does (ContainersReady waits for sidecars too).
  const initContainerStatuses = patch(status.initContainerStatuses) as Record<string, unknown>[] | undefined;
  const initSpecs = (pod.spec as { initContainers?: { name: string; restartPolicy?: string }[] }).initContainers ?? [];
  const sidecarNames = new Set(initSpecs.filter(isSidecar).map((c) => c.name));
  const sidecars = (initContainerStatuses ?? []).filter((s) => sidecarNames.has(String(s.name)));
  const ready = [...containerStatuses, ...sidecars].every((s) => s.ready === true) ? 'True' : 'False';
  const conditions = (status.conditions as Record<string, unknown>[]).map((c) =>
    (c.type === 'Ready' || c.type === 'ContainersReady') && c.status !== ready ? { ...c, status: ready, lastTransitionTime: timestamp(ended.finishedAt) } : c,
  );
  return {
    ...pod,
    status: {
      ...status,
      conditions,
      containerStatuses,
      ...(initContainerStatuses ? { initContainerStatuses } : {}),
      ...(status.ephemeralContainerStatuses ? { ephemeralContainerStatuses: patch(status.ephemeralContainerStatuses) } : {}),
    },
  };
}

export function podObject(namespace: string, pod: PodFixture, createdAt: string, resourceVersion: string): KubeObject {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: pod.name,
      namespace,
      uid: randomUUID(),
      resourceVersion,
      creationTimestamp: createdAt,
      labels: { ...(pod.labels ?? {}) },
      annotations: { ...(pod.annotations ?? {}) },
    },
    spec: {
      containers: pod.containers.map(containerSpec),
      ...(pod.initContainers?.length ? { initContainers: pod.initContainers.map(containerSpec) } : {}),
      ...(pod.shareProcessNamespace ? { shareProcessNamespace: true } : {}),
      restartPolicy: 'Always',
      // Always there on a pod the API server returns (defaulted): kubectl debug reads it unchecked.
      securityContext: {},
      nodeName: SANDBOX_NODE,
      hostname: pod.name,
    },
    status: podStatus(pod, createdAt),
  };
}

/**
 * A pod's status from its containers' states (start-order.ts has made them follow from its init
 * containers'): Pending until every container has started once, Initialized once every init
 * container has completed or (a sidecar) started, Ready once the main containers and the sidecars
 * all run.
 */
export function podStatus(pod: PodFixture, startTime: string): Record<string, unknown> {
  const sidecars = (pod.initContainers ?? []).filter(isSidecar);
  const ready = [...pod.containers, ...sidecars].every(isRunning);
  const initialized = isInitialized(pod);
  const notStarted = (c: ContainerFixture) => typeof c.state === 'object' && 'waiting' in c.state && NOT_STARTED.includes(c.state.waiting.reason);
  const condition = (type: string, yes: boolean, reason: string) => ({ type, status: yes ? 'True' : 'False', ...(yes ? {} : { reason }), lastTransitionTime: startTime });
  return {
    phase: pod.containers.some(notStarted) ? 'Pending' : 'Running',
    conditions: [
      condition('Initialized', initialized, 'ContainersNotInitialized'),
      condition('Ready', ready, 'ContainersNotReady'),
      condition('ContainersReady', ready, 'ContainersNotReady'),
      condition('PodScheduled', true, ''),
    ],
    hostIP: '127.0.0.1',
    podIP: '127.0.0.1',
    startTime,
    qosClass: 'BestEffort',
    containerStatuses: pod.containers.map((c, i) => containerStatus(c, startTime, i)),
    ...(pod.initContainers?.length ? { initContainerStatuses: pod.initContainers.map((c, i) => initContainerStatus(c, startTime, i)) } : {}),
    ...(pod.ephemeralContainers?.length ? { ephemeralContainerStatuses: pod.ephemeralContainers.map((c, i) => ({ ...containerStatus(c, startTime, i), ready: false })) } : {}),
  };
}

/**
 * An init container's status: ready once it has completed (a plain one) or while it runs (a
 * sidecar, which has no probe here), never while a plain one still runs; started while running.
 */
function initContainerStatus(c: ContainerFixture, startTime: string, index: number) {
  const status = containerStatus({ ...c, state: c.state ?? (isSidecar(c) ? 'running' : COMPLETED) }, startTime, index);
  const state = status.state as { running?: unknown; terminated?: { exitCode: number } };
  return { ...status, ready: isSidecar(c) ? Boolean(state.running) : state.terminated?.exitCode === 0 };
}

export function namespaceObject(name: string, uid: string, createdAt: string, resourceVersion: string): KubeObject {
  return {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: { name, uid, resourceVersion, creationTimestamp: createdAt, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

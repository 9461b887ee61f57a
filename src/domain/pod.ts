// A pod as a dashboard needs it before it offers exec: its containers, their states, the default.

/** how long a new container (a debug container, a debug copy's) may take to run, an image pull included */
export const RUNNING_WITHIN_MS = 60_000;

/**
 * init: runs to completion before the pod's main containers start; sidecar: a native sidecar (an
 * init container with restartPolicy: Always), running beside them; regular: a main container;
 * ephemeral: a debug container added to the running pod.
 */
export type ContainerKind = 'init' | 'sidecar' | 'regular' | 'ephemeral';

export interface ContainerInfo {
  name: string;
  kind: ContainerKind;
  image: string;
  state: 'running' | 'waiting' | 'terminated' | 'unknown';
  /** waiting or terminated reason (CrashLoopBackOff, Completed, …) */
  reason?: string;
  exitCode?: number;
  ready: boolean;
  /** the spec asks for a stdin stream (attach reaches the main process only then) */
  stdin?: boolean;
  /** the spec asks for a TTY */
  tty?: boolean;
}

export interface PodSummary {
  namespace: string;
  name: string;
  phase: string;
  /** what kubectl's STATUS column says (CrashLoopBackOff, Init:0/1, Terminating, …): pod-status.ts */
  status: string;
  createdAt?: string;
  labels: Record<string, string>;
  containers: ContainerInfo[];
  /** kubectl's choice without -c: the default-container annotation, else the first container */
  defaultContainer?: string;
  ready: { ready: number; total: number };
}

/** A kubeconfig context as a dashboard lists it. */
export interface ContextSummary {
  name: string;
  current: boolean;
  user: string;
  server: string;
  namespace: string;
}

/** Whether it runs for the pod's life: a main container or a native sidecar (what kubectl's READY column counts). */
export const runsWithPod = (c: ContainerInfo): boolean => c.kind === 'regular' || c.kind === 'sidecar';

/**
 * Containers exec can reach right now, of every kind ("All containers" means these): an init
 * container while it still runs (a shell in it shows why the pod has not started), sidecars, main
 * and debug containers.
 */
export function execableContainers(pod: PodSummary): string[] {
  if (pod.phase === 'Succeeded' || pod.phase === 'Failed') return [];
  return pod.containers.filter((c) => c.state === 'running').map((c) => c.name);
}

/** A native sidecar: an init container with restartPolicy: Always, which keeps running beside the main containers. */
export const isSidecar = (spec: { restartPolicy?: unknown }): boolean => spec.restartPolicy === 'Always';

/**
 * Whether this init container still holds back the containers after it, as the kubelet starts
 * them: a plain one until it has completed (exit code 0), a sidecar until it runs.
 */
export function holdsStart(c: Pick<ContainerInfo, 'kind' | 'state' | 'exitCode'>): boolean {
  if (c.kind === 'sidecar') return c.state !== 'running';
  return c.kind === 'init' && !(c.state === 'terminated' && c.exitCode === 0);
}

/** The init container that holds the pod in its initialization: the first that holds back the rest. */
export function initializingContainer(pod: PodSummary): ContainerInfo | undefined {
  return pod.containers.find(holdsStart);
}

/** "waiting (ImagePullBackOff)", "running": a container's state for a sentence. */
const stateText = (c: ContainerInfo) => `${c.state}${c.reason ? ` (${c.reason})` : ''}`;

/** Why exec into this container cannot work now, or undefined when it can. */
export function notExecableReason(pod: PodSummary, container: string): string | undefined {
  const info = pod.containers.find((c) => c.name === container);
  if (!info) return `Pod "${pod.name}" has no container "${container}".`;
  if (pod.phase === 'Succeeded' || pod.phase === 'Failed') return `Pod "${pod.name}" has ${pod.phase.toLowerCase()}: nothing runs in it any more.`;
  if (info.state === 'running') return undefined;
  const notRunning = `Container "${container}" is ${stateText(info)}, not running`;
  const first = info.reason === 'PodInitializing' ? initializingContainer(pod) : undefined;
  if (first?.kind === 'sidecar') return `${notRunning}: the pod is still initializing, and its sidecar "${first.name}", which must run first, is ${stateText(first)}.`;
  if (first) return `${notRunning}: the pod is still initializing, and init container "${first.name}" (${first.state}) comes first${first.state === 'running' ? '; open a shell in it to see why it has not finished' : ''}.`;
  return `${notRunning}.`;
}

/**
 * Why attaching to this container cannot work, or undefined when it can: its main process must
 * have a stdin and a terminal (a tab is a terminal; a process without one gets no prompt and no
 * carriage returns), and be running.
 */
export function notAttachableReason(pod: PodSummary, container: string): string | undefined {
  const info = pod.containers.find((c) => c.name === container);
  if (info && !info.stdin) return `Container "${container}" was not started with stdin ("stdin: true" in its spec), so its main process reads no input: attach is not possible. Open a shell in it instead.`;
  if (info && !info.tty) return `Container "${container}" was started without a terminal ("tty: true" in its spec), so a tab cannot show its main process as it expects: use "kubectl attach -i -n ${pod.namespace} ${pod.name} -c ${container}" instead, or open a shell in it.`;
  return notExecableReason(pod, container);
}

/**
 * A pod a debug copy is for: one whose containers do not run, or keep crashing. Not one whose
 * default container waits its turn behind an init container: the copy would wait on the same one
 * (a shell in that init container, or its log, says why it holds the pod).
 */
export function needsDebugCopy(pod: PodSummary): boolean {
  if (pod.containers.find((c) => c.name === pod.defaultContainer)?.reason === 'PodInitializing') return false;
  const regular = pod.containers.filter((c) => c.kind === 'regular');
  return pod.phase !== 'Running' || regular.some((c) => c.state !== 'running' || c.reason === 'CrashLoopBackOff');
}

/** Byte for byte, as etcd orders its keys (Kubernetes names are ASCII: code units are bytes). */
export function inByteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The API server's order of a namespace's list, the same in a list and in a watch's pushes. */
export function byName(a: { name: string }, b: { name: string }): number {
  return inByteOrder(a.name, b.name);
}

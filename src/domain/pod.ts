// A pod as a dashboard needs it before it offers exec: its containers, their states, the default.

export type ContainerKind = 'init' | 'regular' | 'ephemeral';

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

/** Containers exec can reach right now ("All containers" means these). */
export function execableContainers(pod: PodSummary): string[] {
  if (pod.phase === 'Succeeded' || pod.phase === 'Failed') return [];
  return pod.containers.filter((c) => c.kind !== 'init' && c.state === 'running').map((c) => c.name);
}

/** Why exec into this container cannot work now, or undefined when it can. */
export function notExecableReason(pod: PodSummary, container: string): string | undefined {
  const info = pod.containers.find((c) => c.name === container);
  if (!info) return `Pod "${pod.name}" has no container "${container}".`;
  if (pod.phase === 'Succeeded' || pod.phase === 'Failed') return `Pod "${pod.name}" has ${pod.phase.toLowerCase()}: nothing runs in it any more.`;
  if (info.state === 'running') return undefined;
  return `Container "${container}" is ${info.state}${info.reason ? ` (${info.reason})` : ''}, not running.`;
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

/** A pod a debug copy is for: one whose containers do not run, or keep crashing. */
export function needsDebugCopy(pod: PodSummary): boolean {
  const regular = pod.containers.filter((c) => c.kind === 'regular');
  return pod.phase !== 'Running' || regular.some((c) => c.state !== 'running' || c.reason === 'CrashLoopBackOff');
}

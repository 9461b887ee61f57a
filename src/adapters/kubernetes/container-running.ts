// Waiting for a container that was just made (a debug container, a debug copy's) to run. Polled,
// with a short interval that grows, and bounded: a container that cannot start (no such image, a
// bad command) ends the wait at once with the cluster's reason, and one that takes too long ends
// it with a sentence saying what to check (the init container that holds its pod, when one does).
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { ClusterError } from '../cluster.ts';
import { initializingContainer } from '../../domain/pod.ts';
import { podSummary } from './pod-summary.ts';

/** how long a new container may take to run (an image pull included) */
export const RUNNING_WITHIN_MS = 60_000;
const FIRST_POLL_MS = 100;
const LONGEST_POLL_MS = 1_000;
/** waiting reasons that no amount of waiting fixes */
const HOPELESS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerError', 'CreateContainerConfigError', 'RunContainerError', 'CrashLoopBackOff']);

export interface ContainerRunningOptions {
  read(): Promise<V1Pod>;
  container: string;
  /** which status list it is in */
  ephemeral: boolean;
  /** for the messages: "debug container debugger-x2k4p of pod web" */
  what: string;
  withinMs?: number;
}

function whatToCheck(pod: V1Pod): string {
  const init = initializingContainer(podSummary(pod));
  const log = `read its log: "kubectl logs ${pod.metadata?.name ?? 'POD'} -c ${init?.name}"`;
  if (init?.kind === 'sidecar') return `its pod is still initializing: its sidecar "${init.name}" has not started (${log}).`;
  if (init) return `its pod is still initializing: init container "${init.name}" has not finished (open a shell in it, or ${log}).`;
  return 'check its events ("kubectl describe pod") for an image pull or scheduling problem.';
}

export async function containerRunning(options: ContainerRunningOptions): Promise<void> {
  const deadline = Date.now() + (options.withinMs ?? RUNNING_WITHIN_MS);
  let pause = FIRST_POLL_MS;
  for (;;) {
    const pod = await options.read();
    const statuses = (options.ephemeral ? pod.status?.ephemeralContainerStatuses : pod.status?.containerStatuses) ?? [];
    const state = statuses.find((s: V1ContainerStatus) => s.name === options.container)?.state;
    if (state?.running) return;
    if (state?.terminated) throw new ClusterError(409, `The ${options.what} ended before it ran (${state.terminated.reason ?? `exit code ${state.terminated.exitCode}`}${state.terminated.message ? `: ${state.terminated.message}` : ''}).`);
    if (state?.waiting?.reason && HOPELESS.has(state.waiting.reason)) throw new ClusterError(409, `The ${options.what} cannot start (${state.waiting.reason}${state.waiting.message ? `: ${state.waiting.message}` : ''}).`);
    if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') throw new ClusterError(409, `The ${options.what} cannot start: its pod has ${pod.status.phase.toLowerCase()}.`);
    if (Date.now() + pause > deadline) throw new ClusterError(504, `The ${options.what} did not start within ${Math.round((options.withinMs ?? RUNNING_WITHIN_MS) / 1000)} s: ${whatToCheck(pod)}`);
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(LONGEST_POLL_MS, pause * 2);
  }
}

// Waiting for a container that was just made (a debug container, a debug copy's) to run. Polled,
// with a short interval that grows, and bounded: a container that cannot start (no such image, a
// bad command), or a main container whose pod is held by an init container that cannot, ends the
// wait at once with the cluster's reason, and one that takes too long ends it with a sentence
// saying what to check (the init container that holds its pod, when one does). A debug copy is
// deleted when its wait fails, so what to check there names the pod it copies, never the copy.
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { ClusterError } from '../cluster.ts';
import { initializingContainer, RUNNING_WITHIN_MS } from '../../domain/pod.ts';
import { podSummary } from './pod-summary.ts';

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
  /** a debug copy's: the pod it copies (the copy is deleted when the wait fails: advice names this pod, not the copy) */
  copyOf?: string;
}

/** "waiting, ContainerCreating", "running": a container's state for a sentence. */
const stateText = (c: { state: string; reason?: string }) => `${c.state}${c.reason ? `, ${c.reason}` : ''}`;

function whatToCheck(pod: V1Pod, options: ContainerRunningOptions): string {
  const init = initializingContainer(podSummary(pod));
  if (options.copyOf !== undefined) {
    // the copy is deleted by now: say what held it, and send the reader to the pod it copies
    const source = options.copyOf;
    if (init) return `its ${init.kind === 'sidecar' ? `sidecar "${init.name}" had not started` : `init container "${init.name}" had not finished`} (it was ${stateText(init)}). The copy is deleted; pod "${source}" has the same init containers: "kubectl describe pod ${source}" and "kubectl logs ${source} -c ${init.name}" may say why.`;
    const held = podSummary(pod).containers.find((c) => c.name === options.container);
    return `its container "${options.container}" was ${held ? stateText(held) : 'not created yet'}. The copy is deleted; its images and scheduling are those of pod "${source}": "kubectl describe pod ${source}" may show an image pull or scheduling problem.`;
  }
  const log = `read its log: "kubectl logs ${pod.metadata?.name ?? 'POD'} -c ${init?.name}"`;
  if (init?.kind === 'sidecar') return `its pod is still initializing: its sidecar "${init.name}" has not started (${log}).`;
  if (init) return `its pod is still initializing: init container "${init.name}" has not finished (open a shell in it, or ${log}).`;
  return 'check its events ("kubectl describe pod") for an image pull or scheduling problem.';
}

/** The init container that holds the pod, when it waits for a reason no waiting fixes (its image cannot be pulled, …). */
function hopelessInit(pod: V1Pod): { name: string; sidecar: boolean; reason: string; message?: string } | undefined {
  const init = initializingContainer(podSummary(pod));
  const waiting = init && (pod.status?.initContainerStatuses ?? []).find((s) => s.name === init.name)?.state?.waiting;
  if (!init || !waiting?.reason || !HOPELESS.has(waiting.reason)) return undefined;
  return { name: init.name, sidecar: init.kind === 'sidecar', reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) };
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
    // a main container starts only after the init containers (a debug container may start before)
    const held = options.ephemeral ? undefined : hopelessInit(pod);
    if (held) throw new ClusterError(409, `The ${options.what} cannot start: its init container "${held.name}", which must ${held.sidecar ? 'run' : 'finish'} first, cannot start (${held.reason}${held.message ? `: ${held.message}` : ''}).`);
    if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') throw new ClusterError(409, `The ${options.what} cannot start: its pod has ${pod.status.phase.toLowerCase()}.`);
    if (Date.now() + pause > deadline) throw new ClusterError(504, `The ${options.what} did not start within ${Math.round((options.withinMs ?? RUNNING_WITHIN_MS) / 1000)} s: ${whatToCheck(pod, options)}`);
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(LONGEST_POLL_MS, pause * 2);
  }
}

// The pod changes of debug actions against a Kubernetes API (pod-changes.ts): ephemeral containers
// added with a strategic-merge PATCH of pods/NAME/ephemeralcontainers (as `kubectl debug` sends
// it), debug copies created and deleted. Every call goes through the ClusterReader's view of the
// person, so it is impersonated in a team mode and a refusal (403) becomes the sentence naming
// the verb that is missing.
import { randomInt } from 'node:crypto';
import type { V1EphemeralContainer, V1Pod } from '@kubernetes/client-node';
// client-node's generated PATCH sends a JSON patch unless a header says otherwise
import { setHeaderOptions } from '@kubernetes/client-node/dist/middleware.js';
import type { CopyRequest, DebugContainer, DebugContainerRequest, PodChanges } from '../pod-changes.ts';
import type { Person } from '../../domain/person.ts';
import { ClusterError } from '../cluster.ts';
import type { ClusterReader } from './cluster.ts';
import { containerRunning, type ContainerRunningOptions } from './container-running.ts';
import { copyName, debugCopyOf } from './debug-copy-spec.ts';
import { podSummary } from './pod-summary.ts';
import { notDebugTargetReason } from '../../domain/debug-images.ts';

/** kubectl's alphabet for generated names: no vowels (no words), no look-alikes */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const STRATEGIC_MERGE = 'application/strategic-merge-patch+json';

export function randomSuffix(length = 5): string {
  return Array.from({ length }, () => NAME_ALPHABET[randomInt(NAME_ALPHABET.length)]).join('');
}

/** A running debug container of `image` aimed at `target`, which a new shell can be exec'd into. */
export function reusableDebugContainer(pod: V1Pod, target: string, image: string): string | undefined {
  const running = new Set((pod.status?.ephemeralContainerStatuses ?? []).filter((s) => s.state?.running).map((s) => s.name));
  return (pod.spec?.ephemeralContainers ?? []).find((c) => c.image === image && c.targetContainerName === target && running.has(c.name))?.name;
}

/**
 * A 404 to the patch of a pod just read: the cluster has no pods/ephemeralcontainers (Kubernetes
 * before 1.23, or the feature turned off), unless the pod has gone meanwhile (read again to tell).
 */
async function patchFailure(error: unknown, read: () => Promise<V1Pod>, pod: string): Promise<unknown> {
  if (!(error instanceof ClusterError && error.status === 404)) return error;
  try {
    await read();
  } catch (gone) {
    return gone;
  }
  return new ClusterError(501, `This cluster does not offer debug containers (ephemeral containers, Kubernetes 1.23 or later): it has no pods/ephemeralcontainers for pod "${pod}". Use Debug copy instead (octant-exec debug --copy): a copy of the pod with a shell kept alive.`);
}

export class KubePodChanges implements PodChanges {
  constructor(
    private readonly reader: ClusterReader,
    private readonly options: { runningWithinMs?: number } = {},
  ) {}

  async debugContainer({ target, image, command, person }: DebugContainerRequest): Promise<DebugContainer> {
    const view = this.#view(person);
    const { context, namespace, pod } = target;
    const read = () => view.core(context, 'get', 'pods', namespace, (api, options) => api.readNamespacedPod({ namespace, name: pod }, options));
    const current = await read();
    const aimed = podSummary(current).containers.find((c) => c.name === target.container);
    if (!aimed) throw new ClusterError(404, `Pod "${pod}" has no container "${target.container}" to debug.`);
    const notTarget = notDebugTargetReason(pod, aimed);
    if (notTarget) throw new ClusterError(409, notTarget);
    const reused = reusableDebugContainer(current, target.container, image);
    if (reused) return { name: reused, created: false };
    const name = `debugger-${randomSuffix()}`;
    const container: V1EphemeralContainer = { name, image, command, stdin: true, tty: true, targetContainerName: target.container, terminationMessagePolicy: 'File' };
    await view
      .core(context, 'patch', 'pods/ephemeralcontainers', namespace, (api, options) =>
        api.patchNamespacedPodEphemeralcontainers({ namespace, name: pod, body: { spec: { ephemeralContainers: [container] } } }, setHeaderOptions('Content-Type', STRATEGIC_MERGE, options as Parameters<typeof setHeaderOptions>[2])),
      )
      .catch(async (error: unknown) => {
        throw await patchFailure(error, read, pod);
      });
    await this.#running({ read, container: name, ephemeral: true, what: `debug container "${name}" of pod "${pod}"` });
    return { name, created: true };
  }

  async createCopy(request: CopyRequest): Promise<string> {
    const view = this.#view(request.person);
    const { context, namespace } = request;
    const source = await view.core(context, 'get', 'pods', namespace, (api, options) => api.readNamespacedPod({ namespace, name: request.pod }, options));
    if (!(source.spec?.containers ?? []).some((c) => c.name === request.container)) throw new ClusterError(404, `Pod "${request.pod}" has no container "${request.container}" to keep alive in a copy.`);
    const name = copyName(request.pod, randomSuffix());
    await view.core(context, 'create', 'pods', namespace, (api, options) => api.createNamespacedPod({ namespace, body: debugCopyOf(source, request.container, name, request.requestedBy) }, options));
    try {
      const read = () => view.core(context, 'get', 'pods', namespace, (api, options) => api.readNamespacedPod({ namespace, name }, options));
      await this.#running({ read, container: request.container, ephemeral: false, what: `debug copy "${name}" of pod "${request.pod}"`, copyOf: request.pod });
    } catch (error) {
      // a copy nobody can use is not left behind
      await this.deleteCopy({ context, namespace, pod: name }, request.person).catch(() => undefined);
      throw error;
    }
    return name;
  }

  async deleteCopy(where: { context?: string; namespace: string; pod: string }, person?: Person): Promise<void> {
    const { context, namespace, pod } = where;
    try {
      await this.#view(person).core(context, 'delete', 'pods', namespace, (api, options) => api.deleteNamespacedPod({ namespace, name: pod, gracePeriodSeconds: 0 }, options));
    } catch (error) {
      if (!(error instanceof ClusterError && error.status === 404)) throw error;
    }
  }

  #view(person: Person | undefined): ClusterReader {
    return person ? this.reader.as(person) : this.reader;
  }

  #running(options: Omit<ContainerRunningOptions, 'withinMs'>): Promise<void> {
    return containerRunning({ ...options, ...(this.options.runningWithinMs ? { withinMs: this.options.runningWithinMs } : {}) });
  }
}

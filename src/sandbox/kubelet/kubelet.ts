// The sandbox's node agent for pods made through the API: it starts a created pod's containers in
// the container runtime and an added ephemeral container in its pod, and reports each change in
// the pod's status (ContainerCreating → running, or ErrImagePull → ImagePullBackOff for an image
// the catalogue lacks), so watchers see the MODIFIED events a real kubelet's updates cause.
import type { ClusterState, SandboxPod } from '../api/cluster-state.ts';
import { podStatus } from '../api/pod-objects.ts';
import type { ContainerRuntime } from '../containers/container-runtime.ts';
import type { ContainerFixture, EphemeralContainerFixture, PodFixture } from '../fixture/fixture.ts';

const waitingFor = (c: ContainerFixture, reason: string) => typeof c.state === 'object' && 'waiting' in c.state && c.state.waiting.reason === reason;

/** After a failed pull the kubelet backs off; the sandbox says so at once, since no pull will ever succeed. */
function backedOff(c: ContainerFixture): ContainerFixture {
  return waitingFor(c, 'ErrImagePull') ? { ...c, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } } } : c;
}

/** Containers that are being created are now running; the rest stay as they are. */
const started = (c: ContainerFixture): ContainerFixture => (waitingFor(c, 'ContainerCreating') ? { ...c, state: 'running' } : c);

/** Why a container could not start, as the kubelet reports a runtime failure. */
const failedToStart = (c: ContainerFixture, why: string): ContainerFixture =>
  waitingFor(c, 'ContainerCreating') ? { ...c, state: { waiting: { reason: 'CreateContainerError', message: why } } } : c;

export class SandboxKubelet {
  constructor(
    private readonly state: ClusterState,
    private readonly runtime: ContainerRuntime,
  ) {}

  /** Runs a pod just created (stored Pending): pulls, starts, reports. Resolves when its status says how it went. */
  async runPod(pod: SandboxPod): Promise<void> {
    const name = pod.fixture.name;
    if (pod.fixture.containers.some((c) => waitingFor(c, 'ErrImagePull'))) this.report(pod.namespace, name, (fixture) => ({ ...fixture, containers: fixture.containers.map(backedOff) }));
    const runnable = { ...pod.fixture, containers: pod.fixture.containers.map(started) };
    try {
      await this.runtime.startPod({ ...pod, fixture: runnable });
      this.report(pod.namespace, name, (fixture) => ({ ...fixture, containers: fixture.containers.map(started) }));
    } catch (error) {
      this.report(pod.namespace, name, (fixture) => ({ ...fixture, containers: fixture.containers.map((c) => failedToStart(c, (error as Error).message)) }));
    }
  }

  /** Starts an ephemeral container already in the pod's spec and status (waiting), and reports it running. */
  async runEphemeral(pod: SandboxPod, container: EphemeralContainerFixture): Promise<void> {
    const name = pod.fixture.name;
    const update = (change: (c: EphemeralContainerFixture) => EphemeralContainerFixture) =>
      this.report(pod.namespace, name, (fixture) => ({ ...fixture, ephemeralContainers: (fixture.ephemeralContainers ?? []).map((c) => (c.name === container.name ? change(c) : c)) }));
    if (waitingFor(container, 'ErrImagePull')) return void update(backedOff);
    try {
      await this.runtime.startEphemeralContainer(pod, { ...container, state: 'running' });
      update(started);
    } catch (error) {
      update((c) => failedToStart(c, (error as Error).message));
    }
  }

  /** A new status from the changed fixture; nothing when the pod was deleted meanwhile. */
  private report(namespace: string, name: string, change: (fixture: PodFixture) => PodFixture): void {
    this.state.updatePod(namespace, name, (current) => {
      const fixture = change(current.fixture);
      const startTime = String((current.object.metadata as { creationTimestamp?: string }).creationTimestamp);
      return { fixture, object: { ...current.object, status: podStatus(fixture, startTime) } };
    });
  }
}

// The sandbox's node agent for pods made through the API: it starts a created pod's containers
// (and their main processes) in the container runtime, or an added ephemeral container in its
// pod, and reports each change in the pod's status (ContainerCreating → running, or ErrImagePull
// → ImagePullBackOff for an image the catalogue lacks), so watchers see the MODIFIED events a
// real kubelet's updates cause. Like a kubelet, which sees a container's state at its next relist
// (every second), it reports "running" only once a main process has lived that long: a command
// that ends sooner is first seen terminated (main-processes.ts reports that), so a client waiting
// for the container turns to its logs instead of attaching to a process already gone.
import type { ClusterState, SandboxPod } from '../api/cluster-state.ts';
import { isRunning, podStatus } from '../api/pod-objects.ts';
import type { ContainerRuntime } from '../containers/container-runtime.ts';
import type { MainProcesses } from '../containers/main-processes.ts';
import type { MainProcess } from '../processes/main-process.ts';
import type { ContainerFixture, EphemeralContainerFixture, PodFixture } from '../fixture/fixture.ts';
import { allContainers, inStartOrder, POD_INITIALIZING } from '../fixture/start-order.ts';
import { fixtureFromPod } from './pod-fixture.ts';

/** The kubelet's PLEG relist period. */
const RELIST_MS = 1000;

const waitingFor = (c: ContainerFixture, reason: string) => typeof c.state === 'object' && 'waiting' in c.state && c.state.waiting.reason === reason;

/** After a failed pull the kubelet backs off; the sandbox says so at once, since no pull will ever succeed. */
function backedOff<C extends ContainerFixture>(c: C): C {
  return waitingFor(c, 'ErrImagePull') ? { ...c, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } } } : c;
}

/** Containers that are being created are now running; the rest (ended meanwhile, say) stay as they are. */
const started = <C extends ContainerFixture>(c: C): C => (waitingFor(c, 'ContainerCreating') ? { ...c, state: 'running' } : c);

/** A container the runtime could not start, as the kubelet reports a runtime failure. */
const failedToStart =
  (why: string) =>
  <C extends ContainerFixture>(c: C): C =>
    waitingFor(c, 'ContainerCreating') ? { ...c, state: { waiting: { reason: 'CreateContainerError', message: why } } } : c;

/** A change to every container of the pod, init containers included. */
const everyContainer =
  (change: (c: ContainerFixture) => ContainerFixture) =>
  (f: PodFixture): PodFixture => ({ ...f, containers: f.containers.map(change), ...(f.initContainers ? { initContainers: f.initContainers.map(change) } : {}) });

/** Each container not started yet (creating, or held in PodInitializing) in the state the plan gives it; the rest (ended meanwhile, say) stay as they are. */
function asPlanned(planned: PodFixture): (c: ContainerFixture) => ContainerFixture {
  const states = new Map(allContainers(planned).map((c) => [c.name, c.state]));
  return (c) => (waitingFor(c, 'ContainerCreating') || waitingFor(c, POD_INITIALIZING) ? { ...c, state: states.get(c.name) ?? c.state } : c);
}

/** Resolves when the main process ends or has lived through a relist, whichever comes first. */
function seenByRelist(main: Promise<MainProcess>): Promise<void> {
  return main.then(
    (m) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, RELIST_MS);
        timer.unref?.();
        void m.exited.then(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  );
}

export class SandboxKubelet {
  constructor(
    private readonly state: ClusterState,
    private readonly runtime: ContainerRuntime,
    private readonly mainProcesses: MainProcesses,
  ) {}

  /**
   * Runs a pod just created (stored Pending, in start order): pulls, starts what the start order
   * lets start, reports. A failed pull never succeeds here, so an init container whose image
   * cannot be pulled holds the pod for good, as ImagePullBackOff does on a node. Resolves when
   * its status says how it went.
   */
  async runPod(pod: SandboxPod): Promise<void> {
    const spec = fixtureFromPod(pod.object);
    if (allContainers(spec).some((c) => waitingFor(c, 'ErrImagePull'))) this.report(pod, everyContainer(backedOff));
    // Where the pod gets to: failed pulls backed off, the rest running, each as far as the start order lets it.
    const planned = inStartOrder(everyContainer((c) => started(backedOff(c)))(spec));
    const runnable = { ...pod, fixture: planned };
    try {
      await this.runtime.startPod(runnable);
    } catch (error) {
      return this.report(pod, everyContainer(failedToStart((error as Error).message)));
    }
    if (!this.isCurrent(pod)) return; // deleted while it started
    await Promise.all(allContainers(planned).filter(isRunning).map((c) => seenByRelist(this.mainProcesses.start(runnable, c))));
    this.report(pod, everyContainer(asPlanned(planned)));
  }

  /** Starts an ephemeral container already in the pod's spec and status (waiting), and reports it running. */
  async runEphemeral(pod: SandboxPod, container: EphemeralContainerFixture): Promise<void> {
    const update = (change: (c: EphemeralContainerFixture) => EphemeralContainerFixture) =>
      this.report(pod, (f) => ({ ...f, ephemeralContainers: (f.ephemeralContainers ?? []).map((c) => (c.name === container.name ? change(c) : c)) }));
    if (waitingFor(container, 'ErrImagePull')) return update(backedOff);
    // A PID namespace to join exists only while its container runs (a crash-looping one, or an
    // init container that has finished, has none). The API takes an init container as a target
    // too: a native sidecar's runs on.
    const target = allContainers(pod.fixture).find((c) => c.name === container.targetContainerName);
    if (target && !isRunning(target)) return update(failedToStart(`target container "${target.name}" is not running: no process namespace to join`));
    const running = started(container);
    try {
      await this.runtime.startEphemeralContainer(pod, running);
    } catch (error) {
      return update(failedToStart((error as Error).message));
    }
    if (!this.isCurrent(pod)) return; // deleted while it started
    await seenByRelist(this.mainProcesses.start(pod, running));
    update(started);
  }

  /**
   * Whether the pod is still stored: not deleted, nor replaced by a new pod of its name (another
   * uid), whose containers a late start or report of this one's must not touch (its main
   * processes are looked up by name).
   */
  private isCurrent(pod: SandboxPod): boolean {
    return this.state.pod(pod.namespace, pod.fixture.name)?.object.metadata.uid === pod.object.metadata.uid;
  }

  /** A new status from the changed fixture; nothing when the pod was deleted (or made again) meanwhile. */
  private report(pod: SandboxPod, change: (fixture: PodFixture) => PodFixture): void {
    if (!this.isCurrent(pod)) return;
    this.state.updatePod(pod.namespace, pod.fixture.name, (current) => {
      const fixture = change(current.fixture);
      return { ...current, fixture, object: { ...current.object, status: podStatus(fixture, String(current.object.metadata.creationTimestamp)) } };
    });
  }
}

// Every running container's main process (processes/main-process.ts), started when its pod
// starts, in whichever runtime, the way an exec is started (same isolation and hardening: the
// runtime's prepareExec), and looked up by attach and logs. When one ends, its container's status
// in the pod object says terminated with its exit code (a MODIFIED watch event), as the kubelet
// reports it; the sandbox does not restart it. A container without a command gets an idle main
// process (the pause stand-in's): no output, ending with its pod.
import type { ClusterState, SandboxPod } from '../api/cluster-state.ts';
import { isRunning, withContainerTerminated } from '../api/pod-objects.ts';
import type { ContainerFixture } from '../fixture/fixture.ts';
import { allContainers } from '../fixture/start-order.ts';
import type { ContainerRuntime } from './container-runtime.ts';
import { MainProcess } from '../processes/main-process.ts';

/** containerd's exit code for a container whose process could not start (runc's "exec failed"). */
const START_ERROR_CODE = 128;

export class MainProcesses {
  private readonly byContainer = new Map<string, Promise<MainProcess>>();
  private closed = false;

  constructor(
    private readonly state: ClusterState,
    private readonly runtime: ContainerRuntime,
  ) {}

  /** Starts the main process of every running container of these pods. */
  startPods(pods: SandboxPod[]): void {
    for (const pod of pods) for (const container of allContainers(pod.fixture).filter(isRunning)) void this.start(pod, container);
  }

  /**
   * The container's main process, started now if it was not (an ephemeral container's, say: give
   * its fixture, with command, stdin and tty). Its end is reported on the pod's status under the
   * container's name, in containerStatuses or ephemeralContainerStatuses, wherever it is.
   */
  start(pod: SandboxPod, container: ContainerFixture): Promise<MainProcess> {
    const key = keyOf(pod.namespace, pod.fixture.name, container.name);
    let main = this.byContainer.get(key);
    if (!main) {
      const launched = this.closed ? Promise.resolve(MainProcess.idle()) : this.launch(pod, container);
      this.byContainer.set(key, launched);
      // Only while it is still this container's: a pod deleted and made again under the same name
      // has a main process of its own, whose status an old one must not overwrite.
      void launched.then((started) => started.exited.then(() => this.byContainer.get(key) === launched && this.reportEnd(pod, container, started)));
      main = launched;
    }
    return main;
  }

  /** The container's main process, or undefined when none was started (the container is not running). */
  find(namespace: string, pod: string, container: string): Promise<MainProcess> | undefined {
    return this.byContainer.get(keyOf(namespace, pod, container));
  }

  /** The pod is gone: its main processes are killed (its containers' logs go with them). */
  deletePod(namespace: string, pod: string): void {
    const prefix = keyOf(namespace, pod, '');
    for (const [key, main] of this.byContainer) {
      if (!key.startsWith(prefix)) continue;
      this.byContainer.delete(key);
      void main.then((started) => started.end());
    }
  }

  /** Ends every main process and waits until each has exited. */
  async close(): Promise<void> {
    this.closed = true;
    const all = await Promise.all(this.byContainer.values());
    for (const main of all) main.end();
    await Promise.all(all.map((main) => main.exited));
  }

  private async launch(pod: SandboxPod, container: ContainerFixture): Promise<MainProcess> {
    if (!container.command) return MainProcess.idle();
    const argv = [...container.command, ...(container.args ?? [])];
    const spec = { stdin: container.stdin === true, tty: container.tty === true };
    try {
      const prepared = await this.runtime.prepareExec(pod, container, argv);
      // containerd's words for a command that is not there: the container never ran.
      if ('notFound' in prepared) return MainProcess.failed(START_ERROR_CODE, `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${prepared.notFound}: unknown`);
      return await MainProcess.start(prepared.launch, spec);
    } catch (error) {
      return MainProcess.failed(START_ERROR_CODE, `failed to start the container: ${(error as Error).message}`);
    }
  }

  private reportEnd(pod: SandboxPod, container: ContainerFixture, main: MainProcess): void {
    const code = main.exitCode ?? 0;
    const ended = {
      exitCode: code,
      reason: main.startError ? 'StartError' : code === 0 ? 'Completed' : 'Error',
      message: main.startError,
      startedAt: main.startedAt,
      finishedAt: main.finishedAt ?? new Date(),
    };
    const terminated = <C extends ContainerFixture>(c: C): C => (c.name === container.name ? { ...c, state: { terminated: { exitCode: code, reason: ended.reason } } } : c);
    this.state.updatePod(pod.namespace, pod.fixture.name, (current) => ({
      ...current,
      // The fixture says so too: exec and attach check it, as the kubelet refuses a stopped container.
      fixture: {
        ...current.fixture,
        containers: current.fixture.containers.map(terminated),
        ...(current.fixture.initContainers ? { initContainers: current.fixture.initContainers.map(terminated) } : {}),
        ...(current.fixture.ephemeralContainers ? { ephemeralContainers: current.fixture.ephemeralContainers.map(terminated) } : {}),
      },
      object: withContainerTerminated(current.object, container.name, ended),
    }));
  }
}

// Names are DNS labels, so "/" can be in none of them: keys that cannot collide.
const keyOf = (namespace: string, pod: string, container: string) => `${namespace}/${pod}/${container}`;

// Where the sandbox's containers live, behind one seam: bubblewrap (each container in namespaces
// of its own, the default) or plain processes on this machine (--sandbox-unisolated). Exec
// sessions, transports and the API never know which.
import type { SandboxPod } from '../api/cluster-state.ts';
import type { ContainerFixture, EphemeralContainerFixture } from '../fixture/fixture.ts';
import type { ExecLaunch } from '../processes/running-process.ts';

export type Isolation = 'bubblewrap' | 'none';

/** How to start an exec, or runc's words for why it cannot start ("exec: \"bash\": executable file not found in $PATH"). */
export type ExecPreparation = { launch: ExecLaunch } | { notFound: string };

export interface ContainerRuntime {
  readonly isolation: Isolation;
  /** What start-up had to settle for, one sentence each (e.g. no per-pod process limit). */
  readonly warnings: string[];
  /**
   * Starts these pods' containers in the background, one pod at a time, as a cluster's pods are
   * running before anyone execs into them (an exec into a pod not started yet starts it at once).
   */
  startPods(pods: SandboxPod[]): void;
  /** Starts a pod created through the API (a pod of the same name deleted before is gone first); rejects with the reason it cannot start. */
  startPod(pod: SandboxPod): Promise<void>;
  /** Starts a debug container in a running pod, in its target container's PID namespace when it names one. */
  startEphemeralContainer(pod: SandboxPod, container: EphemeralContainerFixture): Promise<void>;
  /** Starts the pod's containers if they are not running yet; throws with a reason when they cannot start. */
  prepareExec(pod: SandboxPod, container: ContainerFixture, argv: string[]): Promise<ExecPreparation>;
  /** The pod is gone: stops everything that runs in it and removes its files. */
  deletePod(namespace: string, name: string): Promise<void>;
  /** Stops every pod. */
  close(): Promise<void>;
}

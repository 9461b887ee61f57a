// The pod changes a debug action makes, as the server sees them: an ephemeral debug container
// added to a pod (or a running one reused), and a debug copy of a pod created and deleted. The
// Kubernetes implementation is kubernetes/debug-pods.ts; every call is made as the person given
// (impersonated in a team mode), so the cluster's RBAC decides, and a refusal is a ClusterError.
import type { Person } from '../domain/person.ts';
import type { ExecTarget } from '../domain/target.ts';

export interface DebugContainerRequest {
  /** the container whose process namespace the debug container joins */
  target: ExecTarget;
  image: string;
  /** the debug container's main process: an interactive shell */
  command: string[];
  person?: Person;
}

/** The debug container a run uses; `created`: added for this run (its main process is the shell to attach to). */
export interface DebugContainer {
  name: string;
  created: boolean;
}

export interface CopyRequest {
  context?: string;
  namespace: string;
  /** the pod to copy */
  pod: string;
  /** the container kept alive (its command replaced) for the terminal */
  container: string;
  /** who asked, for the copy's annotation */
  requestedBy: string;
  person?: Person;
}

export interface PodChanges {
  /** A running debug container of this image for this target: reused, else added; resolves once it runs. */
  debugContainer(request: DebugContainerRequest): Promise<DebugContainer>;
  /** Creates the debug copy and resolves with its name once its container runs. */
  createCopy(request: CopyRequest): Promise<string>;
  /** Deletes a debug copy this server made; a copy already gone is fine. */
  deleteCopy(where: { context?: string; namespace: string; pod: string }, person?: Person): Promise<void>;
}

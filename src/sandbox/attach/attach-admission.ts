// The checks an attach passes before any transport sees it, in the API server's and kubelet's
// order: pod (404), container choice (400, as for exec), streams (400), stdin the container does
// not read (400), then the kubelet's refusal for a container that is not running. Whether the
// attach has a terminal is the container's to say (its spec's tty), not the request's: the
// kubelet takes it from the spec, since a running process cannot change it.
import type { ClusterState, SandboxPod } from '../api/cluster-state.ts';
import type { ContainerFixture } from '../fixture/fixture.ts';
import type { ExecRequest } from '../exec/exec-request.ts';
import { badRequest } from '../api/kube-status.ts';
import { isRunning } from '../api/pod-objects.ts';
import { admitTarget, containerNotFound, type Admission as ExecAdmission } from '../exec/exec-admission.ts';

export interface AdmittedAttach {
  request: ExecRequest;
  pod: SandboxPod;
  container: ContainerFixture;
}

export type AttachAdmission = { admitted: AdmittedAttach } | Exclude<ExecAdmission, { admitted: unknown }>;

export function admitAttach(state: ClusterState, namespace: string, podName: string, query: URLSearchParams): AttachAdmission {
  const target = admitTarget(state, namespace, podName, query);
  if ('refused' in target) return target;
  const { parsed, pod, container } = target;
  if (!parsed.stdin && !parsed.stdout && !parsed.stderr) return { refused: badRequest('you must specify at least 1 of stdin, stdout, stderr') };
  // containerd would drop such input without a word; a client that thinks it is typing into the
  // process deserves to hear that nothing reads it.
  if (parsed.stdin && !container.stdin) {
    return { refused: badRequest(`container ${container.name} in pod ${podName} does not read stdin (its spec has no "stdin: true"): attach without -i to watch its output, or use exec`) };
  }
  if (!isRunning(container)) return containerNotFound(container.name);
  const tty = container.tty === true;
  return { admitted: { request: { ...parsed, argv: [], container: container.name, tty, stderr: parsed.stderr && !tty }, pod, container } };
}

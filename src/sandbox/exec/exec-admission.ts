// The checks an exec passes before any transport sees it, after authorization (exec-upgrade.ts),
// in the API server's and kubelet's order and wording: pod (404), container choice (400), streams
// and command (400), then the kubelet's refusal for a container that is not running.
import type { ClusterState, SandboxPod } from '../api/cluster-state.ts';
import type { ContainerFixture } from '../fixture/fixture.ts';
import { parseExecQuery, type ExecRequest } from './exec-request.ts';
import { badRequest, notFound, type StatusError } from '../api/kube-status.ts';
import { isValidName } from '../../domain/names.ts';
import { isRunning } from '../api/pod-objects.ts';
import { allContainers } from '../fixture/start-order.ts';

export interface Admitted {
  request: ExecRequest;
  pod: SandboxPod;
  container: ContainerFixture;
}

export type Admission =
  | { admitted: Admitted }
  | { refused: StatusError }
  /** the kubelet answers in plain text, which the API server passes through */
  | { kubeletRefused: { code: number; text: string } };

export function admitExec(state: ClusterState, namespace: string, podName: string, query: URLSearchParams): Admission {
  const target = admitTarget(state, namespace, podName, query);
  if ('refused' in target) return target;
  const { parsed, pod, container } = target;
  const containerName = container.name;
  if (parsed.argv.length === 0) return { refused: badRequest('you must specify at least 1 command: one "command" query parameter per argv element') };
  if (!parsed.stdin && !parsed.stdout && !parsed.stderr) return { refused: badRequest('you must specify at least 1 of stdin, stdout, stderr') };
  if (!isRunning(container)) return containerNotFound(containerName);
  return { admitted: { request: { ...parsed, container: containerName }, pod, container } };
}

/** What exec and attach check first: the request's query, its pod (404) and its container (400). */
export function admitTarget(state: ClusterState, namespace: string, podName: string, query: URLSearchParams): { parsed: ExecRequest; pod: SandboxPod; container: ContainerFixture } | { refused: StatusError } {
  const parsed = parseExecQuery(namespace, podName, query);
  const pod = state.pod(namespace, podName);
  if (!pod) return { refused: notFound('pods', podName) };
  const chosen = chooseContainer(pod, podName, parsed.container);
  if ('refused' in chosen) return chosen;
  return { parsed, pod, container: chosen.container };
}

/**
 * The container a request names, as the API server picks it for exec, attach and logs: the only
 * one when none is named (the API server does not read the default-container annotation; kubectl
 * does), else the one named.
 */
export function chooseContainer(pod: SandboxPod, podName: string, requested: string): { container: ContainerFixture } | { refused: StatusError } {
  const names = pod.fixture.containers.map((c) => c.name);
  const initNames = (pod.fixture.initContainers ?? []).map((c) => c.name);
  let containerName = requested;
  if (!containerName) {
    if (names.length > 1) {
      const orInit = initNames.length ? ` or one of the init containers: [${initNames.join(' ')}]` : '';
      return { refused: badRequest(`a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]${orInit}`) };
    }
    containerName = names[0];
  }
  if (!isValidName('container', containerName)) return { refused: badRequest(`invalid container name "${containerName}": must be a DNS-1123 label`) };
  // Init containers (a running one, a sidecar) and ephemeral (debug) containers take execs and attaches too, as on a node; the API server never picks one by default.
  const container = [...allContainers(pod.fixture), ...(pod.fixture.ephemeralContainers ?? [])].find((c) => c.name === containerName);
  return container ? { container } : { refused: badRequest(`container ${containerName} is not valid for pod ${podName}`) };
}

/** The kubelet's plain-text refusal for a container that is not running. */
export const containerNotFound = (container: string) => ({ kubeletRefused: { code: 500, text: `container not found ("${container}")` } });

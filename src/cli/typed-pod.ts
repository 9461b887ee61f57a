// kubectl's TYPE/NAME in a pod operand. `pod/web` (or `pods/web`, `po/web`, any case) is pod web,
// as kubectl exec takes it. A workload's TYPE/NAME (deploy/web, sts/db, svc/api…) kubectl turns
// into one of its pods; octant-exec acts on pods it is told, so that is a usage error saying how
// to name one, rather than "deploy" read as a namespace and a pod reported missing.
import { UsageError } from './usage.ts';

const POD_TYPES = new Set(['pod', 'pods', 'po']);
/** kubectl's names and short names for the workloads its exec resolves to a pod */
const WORKLOADS = new Map<string, string>([
  ...['deploy', 'deployment', 'deployments'].map((type) => [type, 'deployment'] as const),
  ...['sts', 'statefulset', 'statefulsets'].map((type) => [type, 'statefulset'] as const),
  ...['ds', 'daemonset', 'daemonsets'].map((type) => [type, 'daemonset'] as const),
  ...['rs', 'replicaset', 'replicasets'].map((type) => [type, 'replicaset'] as const),
  ...['rc', 'replicationcontroller', 'replicationcontrollers'].map((type) => [type, 'replicationcontroller'] as const),
  ...['job', 'jobs'].map((type) => [type, 'job'] as const),
  ...['svc', 'service', 'services'].map((type) => [type, 'service'] as const),
]);

/**
 * The pod `operand` names when it is TYPE/NAME of a pod; undefined when it has no "/" or what is
 * before it is no type (a namespace, where NAMESPACE/POD is taken). A workload's TYPE/NAME throws.
 */
export function typedPod(operand: string): string | undefined {
  const slash = operand.indexOf('/');
  if (slash < 0) return undefined;
  const type = operand.slice(0, slash).toLowerCase();
  const name = operand.slice(slash + 1);
  if (POD_TYPES.has(type)) return name;
  const workload = WORKLOADS.get(type);
  if (workload === undefined) return undefined;
  const shown = operand.slice(0, 80);
  throw new UsageError(
    `"${shown}" names a ${workload}, which kubectl would turn into one of its pods: name the pod (kubectl get pods -l SELECTOR lists them; octant-exec batch -l SELECTOR runs in every one). A namespace called "${type}" is given with -n ${type}`,
  );
}

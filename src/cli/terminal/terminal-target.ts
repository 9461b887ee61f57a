// The container a terminal command acts on: POD (checked as a name here), -n (else the namespace
// of the server's context, as kubectl takes its context's), --context, and -c or else the pod's
// default container, read from the server (an unknown pod is its 404, in its words; an unknown
// container is named with the pod's own list).
import { nameProblem, type NameKind } from '../../domain/names.ts';
import type { PodReply } from '../../protocol/index.ts';
import { callServerJson, ServerError, serverText, type ServerAccess } from '../server/server-client.ts';
import { UsageError } from '../usage.ts';
import { typedPod } from '../typed-pod.ts';
import { oneNamespace } from '../one-namespace.ts';
import { serverNamespace } from '../server/server-namespace.ts';

export interface TerminalTarget {
  context?: string;
  namespace: string;
  pod: string;
  container: string;
}

export interface TargetFlags {
  namespace?: string;
  context?: string;
  container?: string;
}

/**
 * The one operand, [NAMESPACE/]POD as cp takes it or pod/POD as kubectl exec does, and the target
 * flags, checked before the server is asked. No namespace given: undefined, the server's context's.
 */
export function targetOperand(operands: string[], flags: TargetFlags, usage: string): { pod: string; namespace: string | undefined } {
  if (operands.length !== 1) throw new UsageError(operands.length === 0 ? `name the pod: ${usage}` : `one pod, not ${operands.length} ("${operands[1].slice(0, 60)}"…): ${usage}`);
  const [operand] = operands;
  const typed = typedPod(operand);
  const slash = typed === undefined ? operand.indexOf('/') : -1;
  const pod = typed ?? (slash < 0 ? operand : operand.slice(slash + 1));
  const given = slash < 0 ? undefined : operand.slice(0, slash);
  const namespace = oneNamespace(given, flags.namespace);
  const names: [NameKind, string][] = [['pod', pod], ...(namespace !== undefined ? [['namespace', namespace] as [NameKind, string]] : []), ...(flags.container !== undefined ? [['container', flags.container] as [NameKind, string]] : [])];
  for (const [kind, value] of names) {
    const problem = nameProblem(kind, value);
    if (problem) throw new UsageError(problem);
  }
  return { pod, namespace };
}

/** `defaulted`: no -c, and the pod has other containers (named, so the person knows to choose one with -c) */
export async function resolveTarget(access: ServerAccess, pod: string, given: string | undefined, flags: TargetFlags, defaulted: (container: string, others: string[]) => void = () => {}): Promise<TerminalTarget> {
  const namespace = given ?? (await serverNamespace(access, flags.context));
  const { pod: view } = await callServerJson<PodReply>(access, 'GET', `/api/v1/namespaces/${namespace}/pods/${pod}`, { context: flags.context });
  const names = Array.isArray(view?.containers) ? view.containers.map((c) => String(c?.name)) : [];
  const container = flags.container ?? (typeof view?.defaultContainer === 'string' ? view.defaultContainer : names[0]);
  if (container === undefined) throw new ServerError(`the server told nothing of pod "${pod}"'s containers: give one with -c`);
  // a name from the server is printed and sent back: it must be a name, not control characters
  if (nameProblem('container', container)) throw new ServerError(`the server named pod "${pod}"'s container "${serverText(container.slice(0, 63))}", which is not a container name: give one with -c`);
  if (flags.container !== undefined && names.length > 0 && !names.includes(container)) {
    throw new ServerError(`pod "${pod}" has no container "${container}": its containers are ${serverText(names.join(', '))}`);
  }
  if (flags.container === undefined && names.length > 1) defaulted(container, names.filter((name) => name !== container).map((name) => serverText(name.slice(0, 63))));
  return { ...(flags.context !== undefined ? { context: flags.context } : {}), namespace, pod, container };
}

// The pods/ephemeralcontainers subresource's update rule, as kube-apiserver's: of the patched pod
// only spec.ephemeralContainers counts; containers already there may be neither removed nor
// changed; each new one is a valid container, uniquely named among all the pod's containers,
// without the fields an ephemeral container may not have, and its target (if any) one of the
// pod's containers.
import { invalid, type FieldProblem, type StatusError } from './kube-status.ts';
import type { KubeObject } from './pod-objects.ts';
import { containerProblems, duplicate, forbiddenField, notFoundValue } from './pod-validation.ts';
import { withContainerDefaults } from './pod-create.ts';

type Json = Record<string, unknown>;

/** Fields of Container an ephemeral container may not set (validation.go's list, the ones clients send). */
const NOT_FOR_EPHEMERAL = ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'resizePolicy', 'restartPolicy'];

export interface EphemeralUpdate {
  /** the pod's new spec.ephemeralContainers, defaults filled in */
  containers: Json[];
  /** the ones this update adds */
  added: Json[];
}

export function updateEphemeralContainers(pod: KubeObject, patched: Json): { update: EphemeralUpdate } | { refused: StatusError } {
  const spec = pod.spec as Json;
  // Defaults go on old and new alike, so an unchanged container compares equal.
  const before = ((spec.ephemeralContainers as Json[] | undefined) ?? []).map(withContainerDefaults);
  const asked = (patched.spec as Json | undefined)?.ephemeralContainers ?? [];
  const name = String(pod.metadata.name);
  if (!Array.isArray(asked)) return { refused: invalid('Pod', name, [{ field: 'spec.ephemeralContainers', reason: 'FieldValueInvalid', message: 'Invalid value: must be a list' }]) };
  const after = asked.map((c: unknown) => (typeof c === 'object' && c !== null && !Array.isArray(c) ? withContainerDefaults(c as Json) : (c as Json)));

  const problems: FieldProblem[] = [];
  for (const old of before) {
    const now = after.find((c) => c?.name === old.name);
    if (!now) problems.push(forbiddenField('spec.ephemeralContainers', `existing ephemeral containers "${old.name}" may not be removed`));
    else if (JSON.stringify(canonical(now)) !== JSON.stringify(canonical(old))) problems.push(forbiddenField('spec.ephemeralContainers', `existing ephemeral containers "${old.name}" may not be changed`));
  }
  const taken = new Set([...((spec.containers as Json[]) ?? []), ...((spec.initContainers as Json[] | undefined) ?? [])].map((c) => c.name));
  // as Kubernetes validates it: any container or init container (a native sidecar runs on), never an ephemeral one
  const targets = new Set([...((spec.containers as Json[]) ?? []), ...((spec.initContainers as Json[] | undefined) ?? [])].map((c) => c.name));
  const added: Json[] = [];
  after.forEach((container, i) => {
    const at = `spec.ephemeralContainers[${i}]`;
    if (before.some((old) => old.name === container?.name)) return void taken.add(container.name);
    problems.push(...containerProblems(container, at));
    if (typeof container !== 'object' || container === null || Array.isArray(container)) return;
    if (taken.has(container.name)) problems.push(duplicate(`${at}.name`, container.name));
    taken.add(container.name);
    for (const field of NOT_FOR_EPHEMERAL) if (container[field] !== undefined) problems.push(forbiddenField(`${at}.${field}`, 'cannot be set for an Ephemeral Container'));
    const target = container.targetContainerName;
    if (target !== undefined && target !== '' && !targets.has(target)) problems.push(notFoundValue(`${at}.targetContainerName`, target));
    added.push(container);
  });
  if (problems.length > 0) return { refused: invalid('Pod', name, problems) };
  return { update: { containers: after, added } };
}

/** Key order does not make a container different. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Json)[key])]));
}

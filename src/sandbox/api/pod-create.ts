// POST /api/v1/namespaces/NS/pods: the object a create stores, as kube-apiserver makes it from the
// body: namespace checked, generateName filled in, validated (422 Invalid naming every problem),
// then the defaults the API server and scheduler add. Labels, annotations, owner references and
// every other field are kept as given. The pod starts Pending; the kubelet (../kubelet/) runs it.
import { randomInt, randomUUID } from 'node:crypto';
import { badRequest, invalid, type FieldProblem, type StatusError } from './kube-status.ts';
import type { KubeObject } from './pod-objects.ts';
import { containerProblems, duplicate, forbiddenField, metadataMapProblems, ownerReferenceProblems, podNameProblem, required, RESTART_POLICIES } from './pod-validation.ts';
import { defaultPullPolicy } from '../containers/image-catalogue.ts';
import { SANDBOX_NODE } from './pod-objects.ts';

/** What the API server's generateName appends: five characters without vowels or look-alikes. */
const NAME_SUFFIX_LETTERS = 'bcdfghjklmnpqrstvwxz2456789';

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});

export function podToCreate(namespace: string, body: Json, now: string): { pod: KubeObject } | { refused: StatusError } {
  const metadata = { ...asObject(body.metadata) };
  if (metadata.namespace !== undefined && metadata.namespace !== '' && metadata.namespace !== namespace) {
    return { refused: badRequest('the namespace of the provided object does not match the namespace sent on the request') };
  }
  if ((metadata.name === undefined || metadata.name === '') && typeof metadata.generateName === 'string' && metadata.generateName !== '') {
    metadata.name = metadata.generateName + Array.from({ length: 5 }, () => NAME_SUFFIX_LETTERS[randomInt(NAME_SUFFIX_LETTERS.length)]).join('');
  }
  const spec = { ...asObject(body.spec) };
  const problems = podProblems(metadata, spec);
  if (problems.length > 0) return { refused: invalid('Pod', String(metadata.name ?? metadata.generateName ?? ''), problems) };

  const containers = (spec.containers as Json[]).map(withContainerDefaults);
  const initContainers = Array.isArray(spec.initContainers) ? (spec.initContainers as Json[]).map(withContainerDefaults) : undefined;
  return {
    pod: {
      ...body,
      kind: 'Pod',
      apiVersion: 'v1',
      // The system's fields are the API server's to set: a client's deletionTimestamp would show a new pod as Terminating.
      metadata: { ...withoutSystemFields(metadata), namespace, uid: randomUUID(), creationTimestamp: now },
      spec: {
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        securityContext: {},
        schedulerName: 'default-scheduler',
        enableServiceLinks: true,
        priority: 0,
        preemptionPolicy: 'PreemptLowerPriority',
        ...spec,
        containers,
        ...(initContainers ? { initContainers } : {}),
        // Scheduled at once: the sandbox is the only node.
        nodeName: SANDBOX_NODE,
      },
    },
  };
}

function withoutSystemFields(metadata: Json): Json {
  const { deletionTimestamp: _deleted, deletionGracePeriodSeconds: _grace, resourceVersion: _version, selfLink: _link, managedFields: _managed, ...kept } = metadata;
  return kept;
}

/** A container with the API server's defaults (pods' and ephemeral containers' alike). */
export function withContainerDefaults(container: Json): Json {
  return {
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: defaultPullPolicy(String(container.image)),
    resources: {},
    ...container,
  };
}

function podProblems(metadata: Json, spec: Json): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if ((metadata.name === undefined || metadata.name === '') && !metadata.generateName) problems.push({ ...required('metadata.name'), message: 'Required value: name or generateName is required' });
  else {
    const nameProblem = podNameProblem(metadata.name);
    if (nameProblem) problems.push(nameProblem);
  }
  problems.push(...metadataMapProblems(metadata.labels, 'metadata.labels', 'label'), ...metadataMapProblems(metadata.annotations, 'metadata.annotations', 'annotation'));
  problems.push(...ownerReferenceProblems(metadata.ownerReferences));
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) problems.push(required('spec.containers'));
  const seen = new Set<string>();
  for (const list of ['initContainers', 'containers'] as const) {
    const containers = spec[list];
    if (containers === undefined || !Array.isArray(containers)) continue;
    containers.forEach((container: unknown, i) => {
      const at = `spec.${list}[${i}]`;
      problems.push(...containerProblems(container, at));
      const policy = asObject(container).restartPolicy;
      // A container-level restart policy makes an init container a native sidecar; "Always" is the only one there is.
      if (policy !== undefined && list === 'containers') problems.push(forbiddenField(`${at}.restartPolicy`, 'may not be set for non-init containers'));
      if (policy !== undefined && list === 'initContainers' && policy !== 'Always') {
        problems.push({ field: `${at}.restartPolicy`, reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(policy)}: supported values: "Always"` });
      }
      const name = asObject(container).name;
      if (typeof name === 'string' && seen.has(name)) problems.push(duplicate(`${at}.name`, name));
      if (typeof name === 'string') seen.add(name);
    });
  }
  if (Array.isArray(spec.ephemeralContainers) && spec.ephemeralContainers.length > 0) problems.push(forbiddenField('spec.ephemeralContainers', 'cannot be set on create'));
  if (spec.restartPolicy !== undefined && !RESTART_POLICIES.includes(spec.restartPolicy as string)) {
    problems.push({ field: 'spec.restartPolicy', reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(spec.restartPolicy)}: supported values: ${RESTART_POLICIES.map((p) => `"${p}"`).join(', ')}` });
  }
  if (spec.shareProcessNamespace !== undefined && typeof spec.shareProcessNamespace !== 'boolean') problems.push({ field: 'spec.shareProcessNamespace', reason: 'FieldValueInvalid', message: 'Invalid value: must be true or false' });
  return problems;
}

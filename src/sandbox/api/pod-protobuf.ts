// The Pod fields the sandbox reads from a protobuf body (what kubectl's typed client sends for
// `kubectl debug --copy-to`), by their numbers in k8s.io/api/core/v1/generated.proto and
// apimachinery's meta/v1. Fields not named here are skipped, so a copy keeps what the sandbox
// can run and show; a JSON body keeps every field as given.
import type { Schema } from './protobuf-decoding.ts';

const OWNER_REFERENCE: Schema = {
  1: ['kind', 'string'],
  3: ['name', 'string'],
  4: ['uid', 'string'],
  5: ['apiVersion', 'string'],
  6: ['controller', 'bool'],
  7: ['blockOwnerDeletion', 'bool'],
};

const OBJECT_META: Schema = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  11: ['labels', 'map'],
  12: ['annotations', 'map'],
  13: ['ownerReferences', [OWNER_REFERENCE]],
  14: ['finalizers', 'strings'],
};

/** Container and EphemeralContainerCommon share their field numbers. */
const CONTAINER: Schema = {
  1: ['name', 'string'],
  2: ['image', 'string'],
  3: ['command', 'strings'],
  4: ['args', 'strings'],
  5: ['workingDir', 'string'],
  7: ['env', [{ 1: ['name', 'string'], 2: ['value', 'string'] }]],
  13: ['terminationMessagePath', 'string'],
  14: ['imagePullPolicy', 'string'],
  16: ['stdin', 'bool'],
  17: ['stdinOnce', 'bool'],
  18: ['tty', 'bool'],
  20: ['terminationMessagePolicy', 'string'],
  // on an init container, "Always" makes it a native sidecar: a copy must keep it one
  24: ['restartPolicy', 'string'],
};

const POD_SECURITY_CONTEXT: Schema = { 2: ['runAsUser', 'int'], 3: ['runAsNonRoot', 'bool'], 6: ['runAsGroup', 'int'], 5: ['fsGroup', 'int'] };

const POD_SPEC: Schema = {
  2: ['containers', [CONTAINER]],
  3: ['restartPolicy', 'string'],
  4: ['terminationGracePeriodSeconds', 'int'],
  5: ['activeDeadlineSeconds', 'int'],
  6: ['dnsPolicy', 'string'],
  7: ['nodeSelector', 'map'],
  8: ['serviceAccountName', 'string'],
  10: ['nodeName', 'string'],
  14: ['securityContext', POD_SECURITY_CONTEXT],
  16: ['hostname', 'string'],
  17: ['subdomain', 'string'],
  19: ['schedulerName', 'string'],
  20: ['initContainers', [CONTAINER]],
  21: ['automountServiceAccountToken', 'bool'],
  24: ['priorityClassName', 'string'],
  25: ['priority', 'int'],
  27: ['shareProcessNamespace', 'bool'],
  30: ['enableServiceLinks', 'bool'],
  31: ['preemptionPolicy', 'string'],
  34: ['ephemeralContainers', [{ 1: ['ephemeralContainerCommon', CONTAINER], 2: ['targetContainerName', 'string'] }]],
};

export const POD_PROTOBUF: Schema = { 1: ['metadata', OBJECT_META], 2: ['spec', POD_SPEC] };

type Json = Record<string, unknown>;

/**
 * Go embeds EphemeralContainerCommon in EphemeralContainer, so JSON has its fields inline while
 * protobuf nests them (field 1): a decoded pod gets them inline, as the JSON of the same pod.
 */
export function inlineEmbeddedFields(pod: Json): Json {
  const spec = pod.spec as Json | undefined;
  if (!spec || !Array.isArray(spec.ephemeralContainers)) return pod;
  const ephemeralContainers = (spec.ephemeralContainers as Json[]).map(({ ephemeralContainerCommon, ...rest }) => ({ ...(ephemeralContainerCommon as Json | undefined), ...rest }));
  return { ...pod, spec: { ...spec, ephemeralContainers } };
}

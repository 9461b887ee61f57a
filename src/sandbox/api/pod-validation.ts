// The checks kube-apiserver's pod validation makes that matter here, in its words: names,
// containers and their images, restart policy, owner references, labels. A created pod and an
// added ephemeral container both pass through these; each problem names its field.
import type { FieldProblem } from './kube-status.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** Kubernetes' relaxed environment variable names: printable ASCII but "=" (1.30+). */
const ENV_NAME = /^[\x20-\x3c\x3e-\x7e]+$/;
const ENV_NAME_MESSAGE = 'a valid environment variable name must consist only of printable ASCII characters other than \'=\'';
const NUL_MESSAGE = 'must not contain a NUL byte';
export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];

const shown = (value: unknown) => JSON.stringify(typeof value === 'string' && value.length > 100 ? `${value.slice(0, 100)}…` : value);
export const required = (field: string): FieldProblem => ({ field, reason: 'FieldValueRequired', message: 'Required value' });
export const invalidValue = (field: string, value: unknown, why: string): FieldProblem => ({ field, reason: 'FieldValueInvalid', message: `Invalid value: ${shown(value)}: ${why}` });
export const forbiddenField = (field: string, why: string): FieldProblem => ({ field, reason: 'FieldValueForbidden', message: `Forbidden: ${why}` });
export const duplicate = (field: string, value: unknown): FieldProblem => ({ field, reason: 'FieldValueDuplicate', message: `Duplicate value: ${shown(value)}` });
export const notFoundValue = (field: string, value: unknown): FieldProblem => ({ field, reason: 'FieldValueNotFound', message: `Not found: ${shown(value)}` });

export function podNameProblem(name: unknown, field = 'metadata.name'): FieldProblem | undefined {
  if (typeof name !== 'string' || name === '') return required(field);
  if (name.length > 253 || !name.split('.').every((part) => DNS_LABEL.test(part))) return invalidValue(field, name, SUBDOMAIN_MESSAGE);
  return undefined;
}

export function containerNameProblem(name: unknown, field: string): FieldProblem | undefined {
  if (typeof name !== 'string' || name === '') return required(field);
  if (name.length > 63 || !DNS_LABEL.test(name)) return invalidValue(field, name, LABEL_MESSAGE);
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringList = (value: unknown) => value === undefined || (Array.isArray(value) && value.every((item) => typeof item === 'string'));

/** One container's own fields: name, image, command and args, env, stdin and tty. */
export function containerProblems(container: unknown, field: string): FieldProblem[] {
  if (!isObject(container)) return [invalidValue(field, container, 'must be an object')];
  const problems: FieldProblem[] = [];
  const nameProblem = containerNameProblem(container.name, `${field}.name`);
  if (nameProblem) problems.push(nameProblem);
  if (typeof container.image !== 'string' || container.image.trim() === '') problems.push(required(`${field}.image`));
  for (const list of ['command', 'args'] as const) {
    if (!isStringList(container[list])) problems.push(invalidValue(`${field}.${list}`, container[list], 'must be a list of strings'));
    else (container[list] as string[] | undefined)?.forEach((word, i) => word.includes('\0') && problems.push(invalidValue(`${field}.${list}[${i}]`, word, NUL_MESSAGE)));
  }
  if (container.env !== undefined) {
    if (!Array.isArray(container.env)) problems.push(invalidValue(`${field}.env`, container.env, 'must be a list'));
    else
      container.env.forEach((env: unknown, i) => {
        if (!isObject(env) || typeof env.name !== 'string' || env.name === '') problems.push(required(`${field}.env[${i}].name`));
        else if (!ENV_NAME.test(env.name)) problems.push(invalidValue(`${field}.env[${i}].name`, env.name, ENV_NAME_MESSAGE));
        else if (env.value !== undefined && typeof env.value !== 'string') problems.push(invalidValue(`${field}.env[${i}].value`, env.value, 'must be a string'));
        else if (typeof env.value === 'string' && env.value.includes('\0')) problems.push(invalidValue(`${field}.env[${i}].value`, env.value, NUL_MESSAGE));
      });
  }
  for (const flag of ['stdin', 'stdinOnce', 'tty'] as const) if (container[flag] !== undefined && typeof container[flag] !== 'boolean') problems.push(invalidValue(`${field}.${flag}`, container[flag], 'must be true or false'));
  if (container.tty === true && container.stdin !== true) problems.push(invalidValue(`${field}.tty`, true, 'tty requires stdin to be set'));
  return problems;
}

/** Labels and annotations: qualified names as keys, label values no longer than 63. */
export function metadataMapProblems(map: unknown, field: string, values: 'label' | 'annotation'): FieldProblem[] {
  if (map === undefined || map === null) return [];
  if (!isObject(map)) return [invalidValue(field, map, 'must be a map of strings')];
  const problems: FieldProblem[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (!QUALIFIED_NAME.test(key) || key.length > 316) problems.push(invalidValue(field, key, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
    if (typeof value !== 'string') problems.push(invalidValue(`${field}[${key}]`, value, 'must be a string'));
    else if (values === 'label' && (value.length > 63 || !LABEL_VALUE.test(value))) {
      problems.push(invalidValue(`${field}`, value, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
    }
  }
  return problems;
}

/** Owner references: each names what owns the pod, fully. */
export function ownerReferenceProblems(references: unknown): FieldProblem[] {
  if (references === undefined || references === null) return [];
  if (!Array.isArray(references)) return [invalidValue('metadata.ownerReferences', references, 'must be a list')];
  return references.flatMap((ref: unknown, i) => {
    const at = `metadata.ownerReferences[${i}]`;
    if (!isObject(ref)) return [invalidValue(at, ref, 'must be an object')];
    return (['apiVersion', 'kind', 'name', 'uid'] as const).flatMap((key) => (typeof ref[key] === 'string' && ref[key] !== '' ? [] : [invalidValue(`${at}.${key}`, ref[key] ?? '', `${key} must not be empty`)]));
  });
}

// Checks an RBAC object read from a fixture or a YAML file before the authorizer trusts it, with
// errors that name the object and the field, as `kubectl apply` would refuse them.
import { isValidName } from '../../domain/names.ts';
import { RBAC_API_VERSION, type Binding, type PolicyRule, type RbacObject, type Role, type Subject } from './rbac-types.ts';

const KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];
const SUBJECT_KINDS = ['User', 'Group', 'ServiceAccount'];

type Fail = (path: string, what: string) => never;

/** True for objects of the RBAC API group, whatever their kind (other manifests in a file are not ours). */
export function isRbacManifest(value: unknown): boolean {
  const apiVersion = (value as { apiVersion?: unknown } | null)?.apiVersion;
  return typeof apiVersion === 'string' && apiVersion.startsWith('rbac.authorization.k8s.io/');
}

/** The object as an RbacObject, or an Error saying `WHERE: field what is wrong`. */
export function checkRbacObject(value: unknown, where: string): RbacObject {
  const object = value as Record<string, unknown> | null;
  const kind = typeof object?.kind === 'string' ? object.kind : undefined;
  const metadata = object?.metadata as { name?: unknown; namespace?: unknown } | undefined;
  const named = kind && typeof metadata?.name === 'string' ? `${where} (${kind} "${metadata.name}")` : where;
  const fail: Fail = (path, what) => {
    throw new Error(`${named}: ${path} ${what}`);
  };
  if (!object || typeof object !== 'object' || Array.isArray(object)) fail('', 'must be an object');
  if (object!.apiVersion !== RBAC_API_VERSION) fail('apiVersion', `must be "${RBAC_API_VERSION}"`);
  if (!kind || !KINDS.includes(kind)) fail('kind', `must be one of ${KINDS.join(', ')}`);
  if (typeof metadata?.name !== 'string' || metadata.name === '') fail('metadata.name', 'is required');
  const namespaced = kind === 'Role' || kind === 'RoleBinding';
  if (namespaced && !isValidName('namespace', metadata!.namespace)) fail('metadata.namespace', `is required for a ${kind} (a DNS-1123 label)`);
  // A cluster-scoped object's namespace means nothing; the API server drops it, and so do we.
  const checkedMetadata = { name: metadata!.name as string, ...(namespaced ? { namespace: metadata!.namespace as string } : {}) };

  if (kind === 'Role' || kind === 'ClusterRole') {
    const rules = object!.rules ?? [];
    if (!Array.isArray(rules)) fail('rules', 'must be a list');
    return { kind, metadata: checkedMetadata, rules: (rules as unknown[]).map((rule, i) => checkRule(rule, `rules[${i}]`, kind, fail)) } satisfies Role;
  }
  const subjects = object!.subjects ?? [];
  if (!Array.isArray(subjects)) fail('subjects', 'must be a list');
  const roleRef = object!.roleRef as { kind?: unknown; name?: unknown } | undefined;
  const refKinds = kind === 'RoleBinding' ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (typeof roleRef?.kind !== 'string' || !refKinds.includes(roleRef.kind)) fail('roleRef.kind', `must be ${refKinds.join(' or ')}`);
  if (typeof roleRef!.name !== 'string' || roleRef!.name === '') fail('roleRef.name', 'is required');
  return {
    kind: kind as Binding['kind'],
    metadata: checkedMetadata,
    subjects: (subjects as unknown[]).map((subject, i) => checkSubject(subject, `subjects[${i}]`, kind!, fail)),
    roleRef: { kind: roleRef!.kind as 'Role' | 'ClusterRole', name: roleRef!.name as string },
  } satisfies Binding;
}

function checkRule(value: unknown, at: string, kind: string, fail: Fail): PolicyRule {
  const rule = value as Record<string, unknown> | null;
  if (!rule || typeof rule !== 'object') fail(at, 'must be an object');
  const lists: (keyof PolicyRule)[] = ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'];
  for (const field of lists) {
    const list = rule![field];
    if (list !== undefined && (!Array.isArray(list) || list.some((item) => typeof item !== 'string'))) fail(`${at}.${field}`, 'must be a list of strings');
  }
  const checked = rule as unknown as PolicyRule;
  if (!checked.verbs?.length) fail(`${at}.verbs`, 'must name at least one verb');
  const resources = (checked.resources?.length ?? 0) > 0;
  const urls = (checked.nonResourceURLs?.length ?? 0) > 0;
  // The API server's own rule validation: one kind of rule or the other, groups for resources.
  if (resources === urls) fail(at, 'must name either resources or nonResourceURLs');
  if (resources && !checked.apiGroups?.length) fail(`${at}.apiGroups`, 'must name at least one API group ("" is the core group)');
  if (urls && kind !== 'ClusterRole') fail(`${at}.nonResourceURLs`, 'are only allowed in a ClusterRole');
  return {
    verbs: checked.verbs,
    ...(checked.apiGroups ? { apiGroups: checked.apiGroups } : {}),
    ...(checked.resources ? { resources: checked.resources } : {}),
    ...(checked.resourceNames ? { resourceNames: checked.resourceNames } : {}),
    ...(checked.nonResourceURLs ? { nonResourceURLs: checked.nonResourceURLs } : {}),
  };
}

function checkSubject(value: unknown, at: string, bindingKind: string, fail: Fail): Subject {
  const subject = value as Record<string, unknown> | null;
  if (!subject || typeof subject !== 'object') fail(at, 'must be an object');
  if (typeof subject!.kind !== 'string' || !SUBJECT_KINDS.includes(subject!.kind)) fail(`${at}.kind`, `must be one of ${SUBJECT_KINDS.join(', ')}`);
  if (typeof subject!.name !== 'string' || subject!.name === '') fail(`${at}.name`, 'is required');
  const namespace = subject!.namespace;
  if (subject!.kind === 'ServiceAccount') {
    if (namespace !== undefined && !isValidName('namespace', namespace)) fail(`${at}.namespace`, 'must be a DNS-1123 label');
    if (namespace === undefined && bindingKind === 'ClusterRoleBinding') fail(`${at}.namespace`, 'is required for a ServiceAccount in a ClusterRoleBinding');
  }
  return {
    kind: subject!.kind as Subject['kind'],
    name: subject!.name as string,
    ...(subject!.kind === 'ServiceAccount' && typeof namespace === 'string' ? { namespace } : {}),
  };
}

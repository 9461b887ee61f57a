// Checks an RBAC object read from a fixture or a YAML file before the authorizer trusts it, with
// errors that name the object and the field, as `kubectl apply` would refuse them.
import { isValidName } from '../../domain/names.ts';
import { RBAC_API_VERSION, type Binding, type LabelSelector, type LabelSelectorRequirement, type PolicyRule, type RbacObject, type Role, type Subject } from './rbac-types.ts';

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
  const metadata = object?.metadata as { name?: unknown; namespace?: unknown; labels?: unknown } | undefined;
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
    const labels = metadata!.labels === undefined || metadata!.labels === null ? undefined : checkStringMap(metadata!.labels, 'metadata.labels', fail);
    const aggregation = object!.aggregationRule;
    if (aggregation !== undefined && aggregation !== null && kind === 'Role') fail('aggregationRule', 'is only allowed in a ClusterRole');
    return {
      kind,
      metadata: { ...checkedMetadata, ...(labels ? { labels } : {}) },
      rules: (rules as unknown[]).map((rule, i) => checkRule(rule, `rules[${i}]`, kind, fail)),
      ...(aggregation !== undefined && aggregation !== null ? { aggregationRule: { clusterRoleSelectors: checkSelectors(aggregation, fail) } } : {}),
    } satisfies Role;
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

function checkStringMap(value: unknown, at: string, fail: Fail): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) fail(at, 'must map strings to strings');
  return value as Record<string, string>;
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** An aggregationRule's label selectors, as metav1.LabelSelector validation takes them. */
function checkSelectors(rule: unknown, fail: Fail): LabelSelector[] {
  if (typeof rule !== 'object' || Array.isArray(rule)) fail('aggregationRule', 'must be an object');
  const selectors = (rule as { clusterRoleSelectors?: unknown }).clusterRoleSelectors ?? [];
  if (!Array.isArray(selectors)) fail('aggregationRule.clusterRoleSelectors', 'must be a list');
  return (selectors as unknown[]).map((selector, i) => {
    const at = `aggregationRule.clusterRoleSelectors[${i}]`;
    if (!selector || typeof selector !== 'object' || Array.isArray(selector)) fail(at, 'must be an object');
    const { matchLabels, matchExpressions = [] } = selector as { matchLabels?: unknown; matchExpressions?: unknown };
    if (!Array.isArray(matchExpressions)) fail(`${at}.matchExpressions`, 'must be a list');
    const requirements = (matchExpressions as Record<string, unknown>[]).map((requirement, j) => {
      const where = `${at}.matchExpressions[${j}]`;
      const { key, operator, values = [] } = requirement ?? {};
      if (typeof key !== 'string' || key === '') fail(`${where}.key`, 'is required');
      if (typeof operator !== 'string' || !OPERATORS.includes(operator)) fail(`${where}.operator`, `must be one of ${OPERATORS.join(', ')}`);
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) fail(`${where}.values`, 'must be a list of strings');
      const needsValues = operator === 'In' || operator === 'NotIn';
      if (needsValues !== (values as string[]).length > 0) fail(`${where}.values`, needsValues ? 'must be non-empty for In and NotIn' : 'must be empty for Exists and DoesNotExist');
      return { key: key as string, operator: operator as LabelSelectorRequirement['operator'], ...(needsValues ? { values: values as string[] } : {}) };
    });
    return {
      ...(matchLabels !== undefined && matchLabels !== null ? { matchLabels: checkStringMap(matchLabels, `${at}.matchLabels`, fail) } : {}),
      ...(requirements.length ? { matchExpressions: requirements } : {}),
    };
  });
}

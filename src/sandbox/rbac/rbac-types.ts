// The RBAC objects of rbac.authorization.k8s.io/v1 that the sandbox evaluates, in the shape their
// YAML has, so a manifest written for a real cluster loads unchanged (fields we do not evaluate,
// such as annotations, are accepted and ignored: docs/sandbox.md says which).

export const RBAC_API_VERSION = 'rbac.authorization.k8s.io/v1';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  /** ServiceAccount only; a RoleBinding's own namespace when left out */
  namespace?: string;
}

export interface RoleRef {
  kind: 'Role' | 'ClusterRole';
  name: string;
}

interface Metadata {
  name: string;
  namespace?: string;
  /** what a ClusterRole's aggregationRule selects it by */
  labels?: Record<string, string>;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** metav1.LabelSelector: every matchLabels pair and every requirement must hold; `{}` selects everything. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface Role {
  kind: 'Role' | 'ClusterRole';
  metadata: Metadata;
  rules: PolicyRule[];
  /** ClusterRole only: its rules are those of the ClusterRoles selected (role-aggregation.ts) */
  aggregationRule?: { clusterRoleSelectors: LabelSelector[] };
}

export interface Binding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  metadata: Metadata;
  subjects: Subject[];
  roleRef: RoleRef;
}

export type RbacObject = Role | Binding;

export const isBinding = (object: RbacObject): object is Binding => object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding';

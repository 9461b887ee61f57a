// The RBAC objects of rbac.authorization.k8s.io/v1 that the sandbox evaluates, in the shape their
// YAML has, so a manifest written for a real cluster loads unchanged (fields we do not evaluate,
// such as labels or aggregationRule, are accepted and ignored: docs/sandbox.md says which).

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
}

export interface Role {
  kind: 'Role' | 'ClusterRole';
  metadata: Metadata;
  rules: PolicyRule[];
}

export interface Binding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  metadata: Metadata;
  subjects: Subject[];
  roleRef: RoleRef;
}

export type RbacObject = Role | Binding;

export const isBinding = (object: RbacObject): object is Binding => object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding';

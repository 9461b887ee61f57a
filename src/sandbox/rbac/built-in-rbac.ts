// The roles every Kubernetes cluster starts with, as far as the sandbox's API goes: discovery and
// the self-reviews for everyone signed in (`system:discovery`, `system:basic-user`), /version and
// the health paths bound for everyone, signed in or not (`system:public-info-viewer`, as a real
// cluster binds it; the sandbox's API answers no request without a token all the same, SECURITY.md
// item 9: docs/sandbox.md), everything for
// `system:masters` (`cluster-admin`), the group of the sandbox's admin kubeconfig, and the
// user-facing `admin`, `edit` and `view` a team's RoleBindings name (user-facing-roles.ts).
import type { SourcedObject } from './rbac-authorizer.ts';
import type { Binding, Role } from './rbac-types.ts';
import { USER_FACING_ROLES } from './user-facing-roles.ts';

const clusterRole = (name: string, rules: Role['rules']): Role => ({ kind: 'ClusterRole', metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } }, rules });
const toGroups = (name: string, ...groups: string[]): Binding => ({
  kind: 'ClusterRoleBinding',
  metadata: { name },
  subjects: groups.map((group) => ({ kind: 'Group', name: group })),
  roleRef: { kind: 'ClusterRole', name },
});

const objects = [
  clusterRole('cluster-admin', [
    { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
    { verbs: ['*'], nonResourceURLs: ['*'] },
  ]),
  toGroups('cluster-admin', 'system:masters'),
  clusterRole('system:discovery', [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'] }]),
  toGroups('system:discovery', 'system:authenticated'),
  clusterRole('system:public-info-viewer', [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] }]),
  toGroups('system:public-info-viewer', 'system:authenticated', 'system:unauthenticated'),
  clusterRole('system:basic-user', [
    { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
    { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
  ]),
  toGroups('system:basic-user', 'system:authenticated'),
  ...USER_FACING_ROLES,
];

export const BUILT_IN_RBAC: SourcedObject[] = objects.map((object) => ({ object, source: 'the built-in roles' }));

// The roles every Kubernetes cluster starts with, as far as the sandbox's API goes: discovery and
// the self-reviews for everyone signed in (`system:discovery`, `system:basic-user`), and
// everything for `system:masters` (`cluster-admin`), the group of the sandbox's admin kubeconfig.
import type { SourcedObject } from './rbac-authorizer.ts';
import type { Binding, Role } from './rbac-types.ts';

const clusterRole = (name: string, rules: Role['rules']): Role => ({ kind: 'ClusterRole', metadata: { name }, rules });
const toGroup = (name: string, group: string): Binding => ({
  kind: 'ClusterRoleBinding',
  metadata: { name },
  subjects: [{ kind: 'Group', name: group }],
  roleRef: { kind: 'ClusterRole', name },
});

const objects = [
  clusterRole('cluster-admin', [
    { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
    { verbs: ['*'], nonResourceURLs: ['*'] },
  ]),
  toGroup('cluster-admin', 'system:masters'),
  clusterRole('system:discovery', [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'] }]),
  toGroup('system:discovery', 'system:authenticated'),
  clusterRole('system:basic-user', [
    { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
    { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
  ]),
  toGroup('system:basic-user', 'system:authenticated'),
];

export const BUILT_IN_RBAC: SourcedObject[] = objects.map((object) => ({ object, source: 'the built-in roles' }));

// The RBAC evaluator on its own, as Kubernetes evaluates RBAC: bindings to users, groups and
// service accounts; wildcards; subresources; resourceNames; Roles only in their namespace,
// ClusterRoleBindings everywhere; no matching rule is no; a missing role is named in the reason.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { RbacAuthorizer } from '../../src/sandbox/rbac/rbac-authorizer.ts';
import { checkRbacObject } from '../../src/sandbox/rbac/rbac-check.ts';
import { resourceAttributes, type Attributes, type ResourceAttributes } from '../../src/sandbox/rbac/attributes.ts';
import type { UserInfo } from '../../src/sandbox/auth/user-info.ts';

const apiVersion = 'rbac.authorization.k8s.io/v1';
const authorizer = (manifests: object[]) =>
  new RbacAuthorizer(manifests.map((m, i) => ({ object: checkRbacObject({ apiVersion, ...m }, `object ${i}`), source: `object ${i}` })));
const role = (name: string, namespace: string | undefined, rules: object[]) => ({ kind: namespace ? 'Role' : 'ClusterRole', metadata: { name, namespace }, rules });
const binding = (name: string, namespace: string | undefined, roleRef: { kind: string; name: string }, subjects: object[]) => ({
  kind: namespace ? 'RoleBinding' : 'ClusterRoleBinding',
  metadata: { name, namespace },
  roleRef,
  subjects,
});
const user = (username: string, groups: string[] = []): UserInfo => ({ username, groups });
const on = (verb: string, resource: string, more: Partial<Omit<ResourceAttributes, 'resourceRequest'>> = {}) => resourceAttributes({ verb, resource, ...more });
const allowed = (a: RbacAuthorizer, who: UserInfo, attributes: Attributes) => a.authorize(who, attributes).decision === 'allow';

const podReader = role('pod-reader', 'default', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);

test('a RoleBinding to a user allows its Role in its namespace only, and only the verbs named', () => {
  const a = authorizer([podReader, binding('read', 'default', { kind: 'Role', name: 'pod-reader' }, [{ kind: 'User', name: 'alice' }])]);
  assert.ok(allowed(a, user('alice'), on('get', 'pods', { namespace: 'default', name: 'web' })));
  assert.ok(allowed(a, user('alice'), on('list', 'pods', { namespace: 'default' })));
  assert.not.ok(allowed(a, user('alice'), on('get', 'pods', { namespace: 'batch', name: 'web' })), 'another namespace');
  assert.not.ok(allowed(a, user('alice'), on('get', 'pods')), 'across all namespaces');
  assert.not.ok(allowed(a, user('alice'), on('delete', 'pods', { namespace: 'default', name: 'web' })), 'a verb not in the rule');
  assert.not.ok(allowed(a, user('bob'), on('get', 'pods', { namespace: 'default', name: 'web' })), 'another user');
  assert.equal(a.authorize(user('bob'), on('get', 'pods', { namespace: 'default' })), { decision: 'noOpinion', reason: '' });
});

test('groups and service accounts are subjects; a RoleBinding may leave out its service account namespace', () => {
  const a = authorizer([
    podReader,
    binding('devs', 'default', { kind: 'Role', name: 'pod-reader' }, [{ kind: 'Group', name: 'dev' }]),
    binding('robot', 'default', { kind: 'Role', name: 'pod-reader' }, [{ kind: 'ServiceAccount', name: 'robot' }]),
    binding('other-robot', 'default', { kind: 'Role', name: 'pod-reader' }, [{ kind: 'ServiceAccount', name: 'ci', namespace: 'tools' }]),
  ]);
  const get = on('get', 'pods', { namespace: 'default', name: 'web' });
  assert.ok(allowed(a, user('anyone', ['dev']), get));
  assert.not.ok(allowed(a, user('dev'), get), 'a user named like the group is not in it');
  assert.ok(allowed(a, user('system:serviceaccount:default:robot'), get));
  assert.not.ok(allowed(a, user('system:serviceaccount:tools:robot'), get), 'the same name in another namespace');
  assert.ok(allowed(a, user('system:serviceaccount:tools:ci'), get));
  assert.not.ok(allowed(a, user('robot'), get), 'a plain user named like the service account');
});

test('a ClusterRoleBinding grants everywhere, cluster-scoped resources and paths included; a ClusterRole through a RoleBinding only in its namespace', () => {
  const everything = role('admin', undefined, [
    { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
    { nonResourceURLs: ['/healthz', '/logs/*'], verbs: ['get'] },
  ]);
  const a = authorizer([
    everything,
    binding('admins', undefined, { kind: 'ClusterRole', name: 'admin' }, [{ kind: 'Group', name: 'admins' }]),
    binding('local-admin', 'batch', { kind: 'ClusterRole', name: 'admin' }, [{ kind: 'User', name: 'lee' }]),
  ]);
  const admin = user('ada', ['admins']);
  assert.ok(allowed(a, admin, on('delete', 'nodes', { name: 'n1' })), 'cluster-scoped');
  assert.ok(allowed(a, admin, on('create', 'deployments', { apiGroup: 'apps', namespace: 'x' })), 'any group');
  assert.ok(allowed(a, admin, on('create', 'pods', { subresource: 'exec', namespace: 'x', name: 'p' })), '* covers subresources');
  assert.ok(allowed(a, admin, { resourceRequest: false, verb: 'get', path: '/healthz' }));
  assert.ok(allowed(a, admin, { resourceRequest: false, verb: 'get', path: '/logs/kube.log' }), 'a path prefix ending in *');
  assert.not.ok(allowed(a, admin, { resourceRequest: false, verb: 'post', path: '/healthz' }));
  assert.not.ok(allowed(a, admin, { resourceRequest: false, verb: 'get', path: '/metrics' }));
  assert.ok(allowed(a, user('lee'), on('delete', 'pods', { namespace: 'batch', name: 'w' })));
  assert.not.ok(allowed(a, user('lee'), on('delete', 'pods', { namespace: 'default', name: 'w' })), 'outside the RoleBinding');
  assert.not.ok(allowed(a, user('lee'), on('get', 'nodes', { name: 'n1' })), 'cluster-scoped, through a RoleBinding');
  assert.not.ok(allowed(a, user('lee'), { resourceRequest: false, verb: 'get', path: '/healthz' }), 'paths, through a RoleBinding');
});

test('subresources: "pods" is not "pods/exec"; "pods/exec" and "*/exec" are; API groups must match', () => {
  const a = authorizer([
    role('exec', 'default', [
      { apiGroups: [''], resources: ['pods'], verbs: ['*'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
      { apiGroups: ['apps'], resources: ['*/scale'], verbs: ['update'] },
    ]),
    binding('exec', 'default', { kind: 'Role', name: 'exec' }, [{ kind: 'User', name: 'alice' }]),
  ]);
  const alice = user('alice');
  assert.ok(allowed(a, alice, on('create', 'pods', { subresource: 'exec', namespace: 'default', name: 'web' })));
  assert.not.ok(allowed(a, alice, on('get', 'pods', { subresource: 'exec', namespace: 'default', name: 'web' })), 'get on pods/exec is another verb');
  assert.not.ok(allowed(a, alice, on('create', 'pods', { subresource: 'attach', namespace: 'default', name: 'web' })), '"pods" covers no subresource');
  assert.ok(allowed(a, alice, on('update', 'deployments', { apiGroup: 'apps', subresource: 'scale', namespace: 'default', name: 'd' })));
  assert.not.ok(allowed(a, alice, on('update', 'deployments', { apiGroup: 'apps', namespace: 'default', name: 'd' })), '*/scale is not the resource itself');
  assert.not.ok(allowed(a, alice, on('update', 'deployments', { apiGroup: 'extensions', subresource: 'scale', namespace: 'default', name: 'd' })), 'another group');
  assert.not.ok(allowed(a, alice, on('get', 'pods', { apiGroup: 'metrics.k8s.io', namespace: 'default' })), 'pods of another group');
});

test('resourceNames limit a rule to those objects, so never to lists or creates', () => {
  const a = authorizer([
    role('one-pod', 'default', [{ apiGroups: [''], resources: ['pods', 'pods/exec'], resourceNames: ['web'], verbs: ['get', 'list', 'create'] }]),
    binding('one-pod', 'default', { kind: 'Role', name: 'one-pod' }, [{ kind: 'User', name: 'alice' }]),
  ]);
  const alice = user('alice');
  assert.ok(allowed(a, alice, on('get', 'pods', { namespace: 'default', name: 'web' })));
  assert.ok(allowed(a, alice, on('create', 'pods', { subresource: 'exec', namespace: 'default', name: 'web' })));
  assert.not.ok(allowed(a, alice, on('get', 'pods', { namespace: 'default', name: 'db' })));
  assert.not.ok(allowed(a, alice, on('list', 'pods', { namespace: 'default' })), 'a list names no object');
  assert.ok(allowed(a, alice, on('list', 'pods', { namespace: 'default', name: 'web' })), 'a list narrowed to the name (fieldSelector) does');
});

test('a binding to a role that does not exist grants nothing, and the reason names it as the API server does', () => {
  const a = authorizer([
    binding('ghost', undefined, { kind: 'ClusterRole', name: 'ghost' }, [{ kind: 'User', name: 'alice' }]),
    binding('gone', 'default', { kind: 'Role', name: 'gone' }, [{ kind: 'User', name: 'alice' }]),
  ]);
  assert.equal(a.authorize(user('alice'), on('get', 'pods', { namespace: 'default' })), {
    decision: 'noOpinion',
    reason: 'RBAC: [clusterrole.rbac.authorization.k8s.io "ghost" not found, role.rbac.authorization.k8s.io "gone" not found]',
  });
  assert.equal(a.authorize(user('alice'), on('get', 'nodes')).reason, 'RBAC: clusterrole.rbac.authorization.k8s.io "ghost" not found');
  assert.equal(a.authorize(user('bob'), on('get', 'pods', { namespace: 'default' })).reason, '', 'bindings that do not apply say nothing');
});

test('an allow says which binding, role and subject allowed it, in the API server words', () => {
  const a = authorizer([
    podReader,
    binding('devs', 'default', { kind: 'Role', name: 'pod-reader' }, [{ kind: 'Group', name: 'dev' }]),
    role('sa-reader', undefined, [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]),
    binding('robots', undefined, { kind: 'ClusterRole', name: 'sa-reader' }, [{ kind: 'ServiceAccount', name: 'robot', namespace: 'ci' }]),
  ]);
  assert.equal(a.authorize(user('x', ['dev']), on('get', 'pods', { namespace: 'default', name: 'w' })), {
    decision: 'allow',
    reason: 'RBAC: allowed by RoleBinding "devs/default" of Role "pod-reader" to Group "dev"',
  });
  assert.is(a.authorize(user('system:serviceaccount:ci:robot'), on('get', 'pods', { namespace: 'b', name: 'w' })).reason, 'RBAC: allowed by ClusterRoleBinding "robots" of ClusterRole "sa-reader" to ServiceAccount "robot/ci"');
});

test('objects are checked as kubectl apply would check them, errors naming the object and field; duplicates are refused', () => {
  const bad = (manifest: object, message: RegExp) => assert.throws(() => checkRbacObject({ apiVersion, ...manifest }, 'here'), message);
  bad({ kind: 'Role', metadata: { name: 'r' }, rules: [] }, /here \(Role "r"\): metadata.namespace is required for a Role/);
  bad({ kind: 'ClusterRole', metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'] }] }, /rules\[0\]\.verbs must name at least one verb/);
  bad({ kind: 'ClusterRole', metadata: { name: 'r' }, rules: [{ resources: ['pods'], verbs: ['get'] }] }, /rules\[0\]\.apiGroups must name at least one API group/);
  bad({ kind: 'Role', metadata: { name: 'r', namespace: 'd' }, rules: [{ nonResourceURLs: ['/x'], verbs: ['get'] }] }, /nonResourceURLs are only allowed in a ClusterRole/);
  bad({ kind: 'ClusterRole', metadata: { name: 'r' }, rules: [{ verbs: 'get', apiGroups: [''], resources: ['pods'] }] }, /rules\[0\]\.verbs must be a list of strings/);
  bad({ kind: 'ClusterRoleBinding', metadata: { name: 'b' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [] }, /roleRef\.kind must be ClusterRole/);
  bad({ kind: 'ClusterRoleBinding', metadata: { name: 'b' }, roleRef: { kind: 'ClusterRole', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 's' }] }, /subjects\[0\]\.namespace is required/);
  bad({ kind: 'RoleBinding', metadata: { name: 'b', namespace: 'd' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'Robot', name: 's' }] }, /subjects\[0\]\.kind must be one of User, Group, ServiceAccount/);
  bad({ kind: 'Deployment', metadata: { name: 'd' } }, /kind must be one of Role, ClusterRole, RoleBinding, ClusterRoleBinding/);
  assert.throws(() => checkRbacObject({ apiVersion: 'rbac.authorization.k8s.io/v1beta1', kind: 'ClusterRole', metadata: { name: 'r' } }, 'here'), /apiVersion must be "rbac.authorization.k8s.io\/v1"/);
  assert.throws(() => authorizer([podReader, podReader]), /Role "pod-reader" is defined twice: in object 0 and in object 1/);
});

test.run();

// deploy/rbac.yaml, the permissions the project ships for a deployed octant-exec, grants what the
// server needs (impersonate people and their groups, TokenReview) and
// nothing it can do without: no pods, no exec, attach or logs, no service accounts, uids or extras to
// impersonate; and only to its own service account.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { loadRbacFile } from '../../src/sandbox/rbac/rbac-files.ts';
import { RbacAuthorizer } from '../../src/sandbox/rbac/rbac-authorizer.ts';
import { resourceAttributes, type ResourceAttributes } from '../../src/sandbox/rbac/attributes.ts';
import { DEPLOY_RBAC_FILE } from '../../src/sandbox/fixture/demo-access.ts';

const rbac = new RbacAuthorizer(loadRbacFile(DEPLOY_RBAC_FILE));
const server = { username: 'system:serviceaccount:octant-exec:octant-exec', groups: ['system:serviceaccounts', 'system:serviceaccounts:octant-exec', 'system:authenticated'] };
type More = Partial<Omit<ResourceAttributes, 'resourceRequest' | 'verb' | 'resource'>>;
const may = (who: typeof server, verb: string, resource: string, more: More = {}) =>
  rbac.authorize(who, resourceAttributes({ verb, resource, ...more })).decision === 'allow';

test('the file holds the ClusterRole and its binding, nothing else', () => {
  assert.equal(
    loadRbacFile(DEPLOY_RBAC_FILE).map(({ object }) => `${object.kind}/${object.metadata.name}`),
    ['ClusterRole/octant-exec', 'ClusterRoleBinding/octant-exec'],
  );
});

test('the server may impersonate any person and group, and create TokenReviews', () => {
  for (const name of ['alice', 'bob', 'someone@example.com']) assert.ok(may(server, 'impersonate', 'users', { name }), name);
  for (const name of ['dev', 'viewers', 'system:authenticated']) assert.ok(may(server, 'impersonate', 'groups', { name }), name);
  assert.ok(may(server, 'create', 'tokenreviews', { apiGroup: 'authentication.k8s.io' }));
});

test('and nothing else: no pods, no exec or attach, no other identities to wear, no other verbs', () => {
  const refused: [string, string, More][] = [
    ['get', 'pods', { namespace: 'default', name: 'web' }],
    ['list', 'pods', {}],
    ['watch', 'pods', { namespace: 'default' }],
    ['create', 'pods', { subresource: 'exec', namespace: 'default', name: 'web' }],
    ['get', 'pods', { subresource: 'exec', namespace: 'default', name: 'web' }],
    ['create', 'pods', { subresource: 'attach', namespace: 'default', name: 'web' }],
    ['get', 'pods', { subresource: 'log', namespace: 'default', name: 'web' }],
    ['get', 'secrets', { namespace: 'octant-exec', name: 'x' }],
    ['impersonate', 'serviceaccounts', { namespace: 'kube-system', name: 'default' }],
    ['impersonate', 'uids', { apiGroup: 'authentication.k8s.io', name: '1234' }],
    ['impersonate', 'userextras', { apiGroup: 'authentication.k8s.io', subresource: 'scopes', name: 'x' }],
    ['create', 'users', {}],
    ['get', 'tokenreviews', { apiGroup: 'authentication.k8s.io' }],
    ['create', 'selfsubjectrulesreviews', { apiGroup: 'authorization.k8s.io' }],
    // what a person may do is asked as them (a SelfSubjectAccessReview, impersonated), never about them
    ['create', 'subjectaccessreviews', { apiGroup: 'authorization.k8s.io' }],
    ['create', 'localsubjectaccessreviews', { apiGroup: 'authorization.k8s.io', namespace: 'default' }],
  ];
  for (const [verb, resource, more] of refused) assert.not.ok(may(server, verb, resource, more), `${verb} ${resource} ${JSON.stringify(more)}`);
  assert.not.ok(rbac.authorize(server, { resourceRequest: false, verb: 'get', path: '/metrics' }).decision === 'allow');
});

test('only its own service account: the same name in another namespace, or a user named like it, gets nothing', () => {
  for (const username of ['system:serviceaccount:default:octant-exec', 'octant-exec']) {
    assert.not.ok(may({ username, groups: ['system:authenticated'] }, 'impersonate', 'users', { name: 'alice' }), username);
  }
});

test.run();

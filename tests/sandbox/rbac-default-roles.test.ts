// The roles every Kubernetes cluster starts with, as a team's RBAC written for a real cluster
// uses them: RoleBindings to the user-facing ClusterRoles `view` and `edit` (aggregated, as
// kube-apiserver's aggregation controller fills them), a team's own aggregated ClusterRole, and
// `system:public-info-viewer` (/version and /healthz bound for everyone, signed in or not; the
// sandbox still answers nothing without a token: public-info.test.ts).
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { kubectl, startTestSandbox } from '../support/sandbox.ts';
import { call, createReview } from '../support/sandbox-access.ts';

const test = suite('default roles', { deadlineMs: 60_000 });
const rbac = (kind: string, metadata: object, more: object) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata, ...more });
const toGroup = (group: string, role: string) =>
  rbac('RoleBinding', { name: group, namespace: 'default' }, { roleRef: { kind: 'ClusterRole', name: role }, subjects: [{ kind: 'Group', name: group }] });

const sandbox = await startTestSandbox({
  isolation: 'none',
  fixture: {
    users: [
      { name: 'viewer', groups: ['team-view'] },
      { name: 'editor', groups: ['team-edit'] },
      { name: 'debugger', groups: ['team-debug'] },
    ],
    rbac: [
      toGroup('team-view', 'view'),
      toGroup('team-edit', 'edit'),
      toGroup('team-debug', 'debugging'),
      // A team's own aggregated role, and a rule added to the built-in view by its label.
      rbac('ClusterRole', { name: 'debugging' }, { aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'example.com/debugging', operator: 'Exists' }] }] }, rules: [] }),
      rbac('ClusterRole', { name: 'debug-containers', labels: { 'example.com/debugging': 'yes' } }, { rules: [{ apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['patch'] }] }),
      rbac('ClusterRole', { name: 'view-pod-logs-too', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }, { rules: [{ apiGroups: ['metrics.k8s.io'], resources: ['pods'], verbs: ['get'] }] }),
    ],
    namespaces: [{ name: 'default', pods: [{ name: 'p', containers: [{ name: 'c', tools: ['true'] }] }] }],
  },
});
test.after(() => sandbox.close());

async function allowed(groups: string[], resourceAttributes: Record<string, string>): Promise<boolean> {
  const answer = await createReview(sandbox, 'authorization.k8s.io', 'subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user: 'someone', groups, resourceAttributes: { namespace: 'default', ...resourceAttributes } },
  });
  assert.is(answer.status, 201, answer.body);
  return answer.json().status.allowed === true;
}

test('a RoleBinding to the built-in view and edit grants what they grant in every cluster', async () => {
  const pods = { resource: 'pods' };
  const answers = {
    'view list pods': await allowed(['team-view'], { verb: 'list', ...pods }),
    'view get pods/log': await allowed(['team-view'], { verb: 'get', ...pods, subresource: 'log', name: 'p' }),
    'view create pods/exec': await allowed(['team-view'], { verb: 'create', ...pods, subresource: 'exec', name: 'p' }),
    'view get secrets': await allowed(['team-view'], { verb: 'get', resource: 'secrets', name: 's' }),
    'view, aggregated into it': await allowed(['team-view'], { verb: 'get', group: 'metrics.k8s.io', resource: 'pods', name: 'p' }),
    'edit create pods/exec': await allowed(['team-edit'], { verb: 'create', ...pods, subresource: 'exec', name: 'p' }),
    'edit get pods/exec': await allowed(['team-edit'], { verb: 'get', ...pods, subresource: 'exec', name: 'p' }),
    'edit list pods (from view)': await allowed(['team-edit'], { verb: 'list', ...pods }),
    'edit patch pods/ephemeralcontainers': await allowed(['team-edit'], { verb: 'patch', ...pods, subresource: 'ephemeralcontainers', name: 'p' }),
    "a team's aggregated role": await allowed(['team-debug'], { verb: 'patch', ...pods, subresource: 'ephemeralcontainers', name: 'p' }),
  };
  assert.equal(answers, {
    'view list pods': true,
    'view get pods/log': true,
    'view create pods/exec': false,
    'view get secrets': false,
    'view, aggregated into it': true,
    'edit create pods/exec': true,
    'edit get pods/exec': true,
    'edit list pods (from view)': true,
    'edit patch pods/ephemeralcontainers': false,
    "a team's aggregated role": true,
  });
});

test('kubectl auth can-i as a user whose group is bound to edit: exec yes, in its namespace only', async () => {
  const ask = async (args: string[]) => (await kubectl(sandbox, '1.33', ['--kubeconfig', sandbox.users.editor.kubeconfigPath, 'auth', 'can-i', ...args])).stdout.toString().trim();
  assert.equal([await ask(['create', 'pods', '--subresource=exec', '-n', 'default']), await ask(['create', 'pods', '--subresource=exec', '-n', 'batch'])], ['yes', 'no']);
});

test('/version and /healthz are public information: system:public-info-viewer, for the unauthenticated too', async () => {
  const anonymous = await call(sandbox, '/version', { headers: { 'Impersonate-User': 'system:anonymous' } });
  assert.is(anonymous.status, 200, anonymous.body);
  const review = await createReview(sandbox, 'authorization.k8s.io', 'subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user: 'system:anonymous', groups: ['system:unauthenticated'], nonResourceAttributes: { verb: 'get', path: '/healthz' } },
  });
  assert.is(review.json().status.allowed, true, review.body);
});

test.run();

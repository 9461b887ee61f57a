// ClusterRole aggregation on its own, as the aggregation controller fills roles: selectors by
// matchLabels and matchExpressions, an aggregated role's own rules replaced, aggregation through
// aggregated roles, a cycle that ends; and the checks that refuse a malformed aggregationRule.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { RbacAuthorizer } from '../../src/sandbox/rbac/rbac-authorizer.ts';
import { checkRbacObject } from '../../src/sandbox/rbac/rbac-check.ts';
import { resourceAttributes } from '../../src/sandbox/rbac/attributes.ts';

const test = suite('role aggregation', { deadlineMs: 10_000 });
const apiVersion = 'rbac.authorization.k8s.io/v1';
const clusterRole = (name: string, labels: Record<string, string>, resources: string[], aggregationRule?: object) => ({
  apiVersion,
  kind: 'ClusterRole',
  metadata: { name, labels },
  rules: resources.length ? [{ apiGroups: [''], resources, verbs: ['get'] }] : [],
  ...(aggregationRule ? { aggregationRule } : {}),
});
const bind = (role: string) => ({ apiVersion, kind: 'ClusterRoleBinding', metadata: { name: role }, roleRef: { kind: 'ClusterRole', name: role }, subjects: [{ kind: 'Group', name: role }] });
const authorizer = (manifests: object[]) => new RbacAuthorizer(manifests.map((m, i) => ({ object: checkRbacObject(m, `object ${i}`), source: `object ${i}` })));
const may = (a: RbacAuthorizer, group: string, resource: string) => a.authorize({ username: 'u', groups: [group] }, resourceAttributes({ verb: 'get', resource, namespace: 'ns', name: 'x' })).decision === 'allow';

test('selectors by labels and expressions; the aggregated role keeps none of its own rules; roles aggregate through roles; a cycle ends', () => {
  const a = authorizer([
    clusterRole('a', { tier: 'one' }, ['pods']),
    clusterRole('b', { tier: 'two', extra: 'x' }, ['secrets']),
    clusterRole('c', {}, ['configmaps']),
    clusterRole('ones', {}, ['services'], { clusterRoleSelectors: [{ matchLabels: { tier: 'one' } }] }),
    clusterRole('not-one', {}, [], { clusterRoleSelectors: [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['one'] }, { key: 'extra', operator: 'DoesNotExist' }] }] }),
    clusterRole('in-two', { loop: 'y' }, [], { clusterRoleSelectors: [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['two'] }] }, { matchLabels: { loop: 'z' } }] }),
    clusterRole('loop', { loop: 'z' }, [], { clusterRoleSelectors: [{ matchLabels: { loop: 'y' } }] }),
    ...['ones', 'not-one', 'in-two', 'loop'].map(bind),
  ]);
  const grants = (group: string) => ['pods', 'secrets', 'configmaps', 'services'].filter((r) => may(a, group, r));
  assert.equal(grants('ones'), ['pods'], 'its own rule (services) is replaced');
  // NotIn matches a missing label: c, and the unlabelled or loop-labelled aggregated roles, with the rules they aggregated.
  assert.equal(grants('not-one'), ['pods', 'secrets', 'configmaps']);
  assert.equal(grants('in-two'), ['secrets']);
  assert.equal(grants('loop'), ['secrets'], 'through in-two, which it selects, and which selects it back');
});

test('a malformed aggregationRule stops the start with the field', () => {
  const bad = (rule: unknown, kind = 'ClusterRole') => {
    try {
      checkRbacObject({ apiVersion, kind, metadata: { name: 'r', ...(kind === 'Role' ? { namespace: 'ns' } : {}) }, rules: [], aggregationRule: rule }, 'f');
      return 'accepted';
    } catch (error) {
      return (error as Error).message;
    }
  };
  assert.equal(
    [
      bad({ clusterRoleSelectors: 'x' }),
      bad({ clusterRoleSelectors: [{ matchLabels: { a: 1 } }] }),
      bad({ clusterRoleSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Has' }] }] }),
      bad({ clusterRoleSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In' }] }] }),
      bad({ clusterRoleSelectors: [] }, 'Role'),
    ],
    [
      'f (ClusterRole "r"): aggregationRule.clusterRoleSelectors must be a list',
      'f (ClusterRole "r"): aggregationRule.clusterRoleSelectors[0].matchLabels must map strings to strings',
      'f (ClusterRole "r"): aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator must be one of In, NotIn, Exists, DoesNotExist',
      'f (ClusterRole "r"): aggregationRule.clusterRoleSelectors[0].matchExpressions[0].values must be non-empty for In and NotIn',
      'f (Role "r"): aggregationRule is only allowed in a ClusterRole',
    ],
  );
});

test.run();

// What a list or watch asks to do, read as kube-apiserver's RequestInfo reads it: `watch` is a
// Go bool parameter (anything but absent, "0" or "false" is a watch), and a field selector that
// requires metadata.name in any of its terms names the object, so resourceNames rules apply.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestSandbox } from '../support/sandbox.ts';
import { call } from '../support/sandbox-access.ts';
import { requestAttributes } from '../../src/sandbox/auth/request-attributes.ts';

const test = suite('request attributes', { deadlineMs: 60_000 });

const asked = (query: string) => {
  const a = requestAttributes('GET', '/api/v1/namespaces/default/pods', new URLSearchParams(query));
  return a.resourceRequest ? `${a.verb} ${a.name}`.trim() : 'path';
};

test('watch: true, 1, True, yes and an empty value watch; false, FALSE and 0 list', () => {
  const verbs = ['watch=true', 'watch=1', 'watch=True', 'watch=yes', 'watch=', 'watch=false', 'watch=FALSE', 'watch=0', ''].map(asked);
  assert.equal(verbs, ['watch', 'watch', 'watch', 'watch', 'watch', 'list', 'list', 'list', 'list']);
});

test('fieldSelector: metadata.name in any term names the object; a selector that does not parse names none', () => {
  const named = [
    'fieldSelector=metadata.name=web',
    'fieldSelector=metadata.name==web',
    'fieldSelector=metadata.name=web,metadata.namespace=default',
    'fieldSelector=metadata.namespace=default,metadata.name=web',
    'fieldSelector=metadata.name=web,',
    'fieldSelector=metadata.name!=web',
    'fieldSelector=metadata.name===web',
    'fieldSelector=metadata.name=web,nonsense',
    'fieldSelector=metadata.name=..',
    'fieldSelector=metadata.name=a/b',
  ].map(asked);
  assert.equal(named, ['list web', 'list web', 'list web', 'list web', 'list web', 'list', 'list', 'list', 'list', 'list']);
});

const rbac = (kind: string, more: object) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'one-pod', namespace: 'default' }, ...more });
const sandbox = await startTestSandbox({
  isolation: 'none',
  fixture: {
    users: [{ name: 'narrow', groups: ['one-pod'] }],
    rbac: [
      rbac('Role', { rules: [{ apiGroups: [''], resources: ['pods'], resourceNames: ['p'], verbs: ['get', 'list'] }] }),
      rbac('RoleBinding', { roleRef: { kind: 'Role', name: 'one-pod' }, subjects: [{ kind: 'Group', name: 'one-pod' }] }),
    ],
    namespaces: [{ name: 'default', pods: [{ name: 'p', containers: [{ name: 'c', tools: ['true'] }] }] }],
  },
});
test.after(() => sandbox.close());

test('a user who may list one pod by name: allowed with a two-term selector, refused a watch however it is spelled', async () => {
  const as = (query: string) => call(sandbox, `/api/v1/namespaces/default/pods?${query}`, { token: sandbox.users.narrow.token });
  const list = await as('fieldSelector=metadata.name%3Dp%2Cmetadata.namespace%3Ddefault');
  assert.is(list.status, 200, list.body);
  assert.equal(list.json().items.map((pod: { metadata: { name: string } }) => pod.metadata.name), ['p']);
  const watch = await as('fieldSelector=metadata.name%3Dp&watch=True');
  assert.is(watch.status, 403, watch.body);
  assert.match(watch.json().message, 'cannot watch resource "pods"');
});

test.run();

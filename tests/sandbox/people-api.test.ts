// The sandbox's people over its API: each with a kubeconfig and token of its own, each request
// answered by RBAC as Kubernetes would answer that person (discovery for everyone, 403 Status
// bodies worded like kube-apiserver's), and impersonation checked and applied as the API server
// does it: the right to impersonate each user, group and uid asked for, exactly the groups asked
// for, and a 400 for headers that make no sense.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Buffer } from 'node:buffer';
import { startTestSandbox } from '../support/sandbox.ts';
import { call, createReview } from '../support/sandbox-access.ts';
import { kubeconfigYaml } from '../../src/sandbox/api/kubeconfig.ts';

const sandbox = await startTestSandbox({ isolation: 'none' });
test.after(() => sandbox.close());
const { alice, bob, carol } = sandbox.users;
const server = sandbox.users['octant-exec'];

test("each user has a kubeconfig of their own next to the admin's, with their own token; the admin's is as it was", () => {
  assert.equal(Object.keys(sandbox.users).sort(), ['alice', 'bob', 'carol', 'octant-exec']);
  const tokens = new Set([sandbox.token, ...Object.values(sandbox.users).map((u) => u.token)]);
  assert.is(tokens.size, 5, 'five different tokens');
  for (const [name, user] of Object.entries(sandbox.users)) {
    assert.is(user.kubeconfigPath, `${dirname(sandbox.kubeconfigPath)}/kubeconfig-${name}`);
    assert.is(statSync(user.kubeconfigPath).mode & 0o777, 0o600, name);
    const text = readFileSync(user.kubeconfigPath, 'utf8');
    assert.match(text, `token: "${user.token}"`);
    assert.match(text, `current-context: "octant-exec-sandbox-${name}"`);
    assert.match(user.token, /^[A-Za-z0-9_-]{43}$/);
  }
  assert.is(server.username, 'system:serviceaccount:octant-exec:octant-exec');
  assert.equal(server.groups, ['system:serviceaccounts', 'system:serviceaccounts:octant-exec']);
  assert.is(readFileSync(sandbox.kubeconfigPath, 'utf8'), kubeconfigYaml({ server: sandbox.server, caPem: sandbox.caPem, token: sandbox.token }));
});

test('the same requests, answered per person by RBAC; refusals are 403 Status bodies in the API server words', async () => {
  const as = (who: { token: string }, path: string, method = 'GET') => call(sandbox, path, { token: who.token, method });
  assert.is((await as(alice, '/api/v1/namespaces/default/pods')).status, 200);
  assert.is((await as(alice, '/api/v1/namespaces/batch/pods/worker-0')).status, 200);
  const restricted = await as(alice, '/api/v1/namespaces/restricted/pods');
  assert.is(restricted.status, 403);
  assert.equal(restricted.json(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "restricted"',
    reason: 'Forbidden',
    details: { kind: 'pods' },
    code: 403,
  });
  assert.is((await as(alice, '/api/v1/pods')).json().message, 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" at the cluster scope');
  assert.is((await as(bob, '/api/v1/pods')).status, 200, 'bob reads pods everywhere');
  assert.is((await as(bob, '/api/v1/namespaces/default/pods/web', 'DELETE')).json().message, 'pods "web" is forbidden: User "bob" cannot delete resource "pods" in API group "" in the namespace "default"');
  assert.is((await as(bob, '/api/v1/namespaces')).json().message, 'namespaces is forbidden: User "bob" cannot list resource "namespaces" in API group "" at the cluster scope');
  assert.is((await as(carol, '/api/v1/namespaces')).status, 200, 'carol may do everything');
  assert.is((await as(server, '/api/v1/namespaces/default/pods')).status, 403, 'the server reads no pods as itself');
  for (const who of [alice, bob, server]) {
    for (const path of ['/version', '/api', '/apis', '/api/v1', '/apis/authorization.k8s.io/v1']) assert.is((await as(who, path)).status, 200, `discovery ${path}`);
  }
  // An unknown path: refused to those without rights before it is a 404.
  assert.is((await as(alice, '/logs/kube.log')).json().message, 'forbidden: User "alice" cannot get path "/logs/kube.log"');
  assert.is((await as(carol, '/logs/kube.log')).status, 404);
});

test('the list of one pod by name is authorized as that pod (fieldSelector), like the API server', async () => {
  const byName = await call(sandbox, '/api/v1/namespaces/restricted/pods?fieldSelector=metadata.name%3Dsecret-db', { token: alice.token });
  assert.is(byName.json().message, 'pods "secret-db" is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "restricted"');
});

/** Who the API takes the caller to be, through SelfSubjectReview. */
async function whoAmI(token: string, headers: Record<string, string | string[]> = {}) {
  const answer = await createReview(sandbox, 'authentication.k8s.io', 'selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }, { token, headers });
  return answer.status === 201 ? answer.json().status.userInfo : answer.json();
}

test('impersonation: the server acts as a person with exactly the groups it names, repeated Impersonate-Group lines each a group', async () => {
  assert.equal(await whoAmI(alice.token), { username: 'alice', groups: ['dev', 'system:authenticated'] });
  assert.equal(await whoAmI(server.token, { 'Impersonate-User': 'alice' }), { username: 'alice', groups: ['system:authenticated'] });
  assert.equal(await whoAmI(server.token, { 'Impersonate-User': 'alice', 'Impersonate-Group': ['dev', 'a, b'] }), { username: 'alice', groups: ['dev', 'a, b', 'system:authenticated'] });
  // Someone allowed everything may also set a uid, and impersonate a service account, which gets its groups.
  assert.equal(await whoAmI(carol.token, { 'Impersonate-User': 'dave', 'Impersonate-Uid': 'u-42' }), { username: 'dave', uid: 'u-42', groups: ['system:authenticated'] });
  assert.equal(await whoAmI(carol.token, { 'Impersonate-User': 'system:serviceaccount:ci:robot' }), {
    username: 'system:serviceaccount:ci:robot',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
  });
  // A name beyond ASCII goes out as its UTF-8 bytes (a client's header is bytes): it is that name, not its Latin-1 reading.
  const utf8Bytes = (name: string) => Buffer.from(name, 'utf8').toString('latin1');
  assert.equal(await whoAmI(carol.token, { 'Impersonate-User': utf8Bytes('zoë'), 'Impersonate-Group': utf8Bytes('développeurs') }), { username: 'zoë', groups: ['développeurs', 'system:authenticated'] });
  // The request then runs as that person: alice's group may read default's pods, alice alone may not.
  const pods = (headers: Record<string, string | string[]>) => call(sandbox, '/api/v1/namespaces/default/pods', { token: server.token, headers });
  assert.is((await pods({ 'Impersonate-User': 'alice', 'Impersonate-Group': 'dev' })).status, 200);
  assert.is((await pods({ 'Impersonate-User': 'alice' })).json().message, 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"');
});

test('impersonation needs the impersonate verb on each thing asked for; refusals name it as the API server does', async () => {
  const refusal = async (token: string, headers: Record<string, string>) => (await call(sandbox, '/api/v1/namespaces/default/pods', { token, headers })).json();
  const bobAsAlice = await refusal(bob.token, { 'Impersonate-User': 'alice' });
  assert.is(bobAsAlice.code, 403);
  assert.is(bobAsAlice.message, 'users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope');
  assert.equal(bobAsAlice.details, { name: 'alice', kind: 'users' });
  assert.is(
    (await refusal(server.token, { 'Impersonate-User': 'system:serviceaccount:kube-system:default' })).message,
    'serviceaccounts "default" is forbidden: User "system:serviceaccount:octant-exec:octant-exec" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "kube-system"',
  );
  assert.is(
    (await refusal(server.token, { 'Impersonate-User': 'alice', 'Impersonate-Uid': '42' })).message,
    'uids.authentication.k8s.io "42" is forbidden: User "system:serviceaccount:octant-exec:octant-exec" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope',
  );
  assert.is(
    (await refusal(alice.token, { 'Impersonate-User': 'alice', 'Impersonate-Group': 'octant-admins' })).message,
    'users "alice" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope',
    'not even oneself: the user is checked first',
  );
});

test('malformed impersonation headers: a 400 that says what is wrong, and nothing done', async () => {
  const groupsAlone = await call(sandbox, '/api/v1/namespaces/default/pods', { token: carol.token, headers: { 'Impersonate-Group': ['dev', 'viewers'] } });
  assert.is(groupsAlone.status, 400);
  assert.equal(groupsAlone.json().message, 'requested [{Group  dev    } {Group  viewers    }] without impersonating a user');
  const uidAlone = await call(sandbox, '/api/v1/namespaces/default/pods', { token: carol.token, headers: { 'Impersonate-Uid': 'u-1' } });
  assert.equal(uidAlone.json().message, 'requested [{UID  u-1  authentication.k8s.io/v1  }] without impersonating a user');
  const extraAlone = await call(sandbox, '/api/v1/namespaces/default/pods', { token: carol.token, headers: { 'Impersonate-Extra-Scopes': 'view' } });
  assert.equal(extraAlone.json().message, 'requested [{UserExtra  view  authentication.k8s.io/v1  scopes}] without impersonating a user');
  // An empty Impersonate-User is no impersonation at all, as for the API server.
  assert.is((await call(sandbox, '/api/v1/namespaces/default/pods', { token: alice.token, headers: { 'Impersonate-User': '' } })).status, 200);
  assert.is((await call(sandbox, '/version')).status, 200, 'still serving');
});

test.run();

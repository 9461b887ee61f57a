// TokenReview, SubjectAccessReview, SelfSubjectAccessReview and SelfSubjectReview as the API
// server answers them, their discovery, who may create them, and bad input: a bad token, missing
// fields, bodies that are not JSON, of another kind or too big — each a clear error, never a crash.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestSandbox } from '../support/sandbox.ts';
import { call, createReview } from '../support/sandbox-access.ts';

const sandbox = await startTestSandbox({ isolation: 'none' });
test.after(() => sandbox.close());
const { alice, bob, carol } = sandbox.users;
const server = sandbox.users['octant-exec'];
/** who asks, unless told: the server's identity checks tokens (deploy/rbac.yaml); asking about someone else is an admin's to do */
const asker = (resource: string) => (resource === 'tokenreviews' ? server.token : carol.token);

const review = (resource: string, kind: string, spec: unknown, token = asker(resource)) => {
  const group = resource.endsWith('tokenreviews') || resource === 'selfsubjectreviews' ? 'authentication.k8s.io' : 'authorization.k8s.io';
  return createReview(sandbox, group, resource, { apiVersion: `${group}/v1`, kind, spec }, { token });
};
const execIn = (namespace: string) => ({ resourceAttributes: { namespace, verb: 'create', resource: 'pods', subresource: 'exec', name: 'web' } });

test('discovery lists the reviews each group serves', async () => {
  const resources = async (group: string) => (await call(sandbox, `/apis/${group}/v1`)).json().resources.map((r: { name: string; verbs: string[] }) => `${r.name}:${r.verbs}`);
  assert.equal(await resources('authentication.k8s.io'), ['selfsubjectreviews:create', 'tokenreviews:create']);
  assert.equal(await resources('authorization.k8s.io'), ['selfsubjectaccessreviews:create', 'subjectaccessreviews:create']);
  assert.equal((await call(sandbox, '/apis/authorization.k8s.io')).json().preferredVersion, { groupVersion: 'authorization.k8s.io/v1', version: 'v1' });
  assert.is((await call(sandbox, '/apis/apps/v1')).status, 404);
});

test('TokenReview: whose token it is, with their groups; a bad token is not authenticated', async () => {
  const good = await review('tokenreviews', 'TokenReview', { token: alice.token });
  assert.is(good.status, 201);
  assert.equal(good.json().status, { authenticated: true, user: { username: 'alice', groups: ['dev', 'system:authenticated'] } });
  assert.equal((await review('tokenreviews', 'TokenReview', { token: server.token })).json().status.user.username, 'system:serviceaccount:octant-exec:octant-exec');
  const bad = await review('tokenreviews', 'TokenReview', { token: 'not-a-token' });
  assert.is(bad.status, 201);
  // `authenticated: false` is left out of the JSON, as by the API server (Go's omitempty).
  assert.equal(bad.json().status, { user: {} });
  const empty = await review('tokenreviews', 'TokenReview', { token: '' });
  assert.is(empty.status, 400);
  assert.is(empty.json().message, 'token is required for TokenReview in authentication');
  const byAlice = await review('tokenreviews', 'TokenReview', { token: bob.token }, alice.token);
  assert.is(byAlice.json().message, 'tokenreviews.authentication.k8s.io is forbidden: User "alice" cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope');
});

test('SubjectAccessReview: may this user (with exactly these groups) do this?', async () => {
  const allowed = await review('subjectaccessreviews', 'SubjectAccessReview', { ...execIn('default'), user: 'alice', groups: ['dev'] });
  assert.is(allowed.status, 201);
  assert.equal(allowed.json().status, { allowed: true, reason: 'RBAC: allowed by RoleBinding "dev-pod-exec/default" of Role "pod-exec" to Group "dev"' });
  assert.equal((await review('subjectaccessreviews', 'SubjectAccessReview', { ...execIn('default'), user: 'alice' })).json().status, { allowed: false }, 'without her group');
  assert.equal((await review('subjectaccessreviews', 'SubjectAccessReview', { ...execIn('restricted'), user: 'alice', groups: ['dev'] })).json().status, { allowed: false });
  assert.equal((await review('subjectaccessreviews', 'SubjectAccessReview', { ...execIn('default'), user: 'bob', groups: ['viewers'] })).json().status, { allowed: false });
  // The fixture's execForbidden pod is a deny, even for an admin.
  const denied = await review('subjectaccessreviews', 'SubjectAccessReview', { resourceAttributes: { ...execIn('restricted').resourceAttributes, name: 'secret-db' }, user: 'carol', groups: ['octant-admins'] });
  assert.equal(denied.json().status, { allowed: false, denied: true });
  const path = await review('subjectaccessreviews', 'SubjectAccessReview', { nonResourceAttributes: { path: '/version', verb: 'get' }, groups: ['system:authenticated'] });
  assert.is(path.json().status.allowed, true);
  assert.is(path.json().spec.nonResourceAttributes.path, '/version', 'the spec comes back');
  const byBob = await review('subjectaccessreviews', 'SubjectAccessReview', { ...execIn('default'), user: 'alice' }, bob.token);
  assert.is(byBob.json().message, 'subjectaccessreviews.authorization.k8s.io is forbidden: User "bob" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope');
});

test('SelfSubjectAccessReview and SelfSubjectReview: anyone signed in may ask about themselves, impersonated or not', async () => {
  const mayExec = async (token: string, namespace: string, headers: Record<string, string> = {}) =>
    (await createReview(sandbox, 'authorization.k8s.io', 'selfsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: execIn(namespace) }, { token, headers })).json().status.allowed;
  assert.is(await mayExec(alice.token, 'default'), true);
  assert.is(await mayExec(alice.token, 'restricted'), false);
  assert.is(await mayExec(bob.token, 'default'), false);
  assert.is(await mayExec(server.token, 'default'), false, 'the server itself may not exec');
  assert.is(await mayExec(server.token, 'batch', { 'Impersonate-User': 'alice', 'Impersonate-Group': 'dev' }), true, 'as alice with her group');
  const me = await review('selfsubjectreviews', 'SelfSubjectReview', undefined, bob.token);
  assert.equal(me.json(), { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo: { username: 'bob', groups: ['viewers', 'system:authenticated'] } } });
});

test('a review without what it must have: a 422 Invalid Status that names the fields', async () => {
  const neither = await review('subjectaccessreviews', 'SubjectAccessReview', {});
  assert.is(neither.status, 422);
  assert.is(
    neither.json().message,
    'SubjectAccessReview.authorization.k8s.io "" is invalid: [spec: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: "": at least one of user or group must be specified]',
  );
  assert.equal(neither.json().details.causes.map((c: { field: string }) => c.field), ['spec', 'spec.user']);
  const both = await review('selfsubjectaccessreviews', 'SelfSubjectAccessReview', { ...execIn('default'), nonResourceAttributes: { path: '/', verb: 'get' } }, alice.token);
  assert.is(both.status, 422);
  assert.match(both.json().message, 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec: Invalid value: null: exactly one of');
  const wrongType = await review('selfsubjectaccessreviews', 'SelfSubjectAccessReview', { resourceAttributes: { verb: 5 } }, alice.token);
  assert.is(wrongType.status, 400);
  assert.is(wrongType.json().message, 'the object provided is unrecognized (must be of type SelfSubjectAccessReview): spec.resourceAttributes.verb must be a string');
});

test('bodies that are not JSON, not an object, of another kind or over 3 MiB: 400 or 413 with a sentence, and the API goes on', async () => {
  const post = (body: string | Uint8Array, token = alice.token) =>
    call(sandbox, '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { method: 'POST', token, body, headers: { 'Content-Type': 'application/json' } });
  const notJson = await post('{"spec": ');
  assert.is(notJson.status, 400);
  assert.match(notJson.json().message, /^the object provided is unrecognized \(must be of type SelfSubjectAccessReview\): couldn't get version\/kind; json parse error: /);
  assert.is((await post('[1,2]')).json().message, 'the object provided is unrecognized (must be of type SelfSubjectAccessReview): the body is not an object');
  assert.is(
    (await post(JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: {} }))).json().message,
    'the object provided is unrecognized (must be of type SelfSubjectAccessReview): got kind "SubjectAccessReview" of apiVersion "authorization.k8s.io/v1", not a SelfSubjectAccessReview of authorization.k8s.io/v1',
  );
  const huge = await post(Buffer.alloc(4 * 1024 * 1024, 0x20));
  assert.is(huge.status, 413);
  assert.equal(huge.json().message, 'Request entity too large: limit is 3145728');
  const protobufGarbage = await call(sandbox, '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { method: 'POST', token: alice.token, body: Buffer.from('k8s\0\x0a\xff\xff'), headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' } });
  assert.is(protobufGarbage.status, 400);
  assert.match(protobufGarbage.json().message, "couldn't get version/kind; protobuf error: ");
  const list = (token: string) => call(sandbox, '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { token });
  assert.is((await list(alice.token)).status, 403, 'listing reviews is not allowed her');
  assert.is((await list(sandbox.users.carol.token)).status, 405, 'and not served to anyone');
  assert.is((await call(sandbox, '/version')).status, 200, 'still serving');
});

test.run();

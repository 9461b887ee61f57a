// The sandbox's API audit log: one audit.k8s.io/v1 Event per request, JSON Lines, in the state
// folder and gone with it. An exec by alice through the octant-exec identity is recorded as that
// identity impersonating alice; refusals carry their code and message; no token is ever written.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { kubectl, startTestSandbox } from '../support/sandbox.ts';
import { auditEvents, call } from '../support/sandbox-access.ts';
import { waitFor } from '../support/wait.ts';

const sandbox = await startTestSandbox();
test.after(() => sandbox.close());
const server = sandbox.users['octant-exec'];
const MICROSECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

test('an exec by alice through the octant-exec identity: that identity, impersonating alice, on pods/exec, 101, allowed by her group', async () => {
  const run = await kubectl(sandbox, '1.33', ['--kubeconfig', server.kubeconfigPath, '--as', 'alice', '--as-group', 'dev', 'exec', 'web', '-c', 'nginx', '--', 'echo', 'hi']);
  assert.is(run.stdout.toString(), 'hi\n', run.stderr);
  const event = await waitFor(() => auditEvents(sandbox).find((e) => e.objectRef?.subresource === 'exec'), 'the exec record (written when its connection ends)');
  assert.equal(
    { ...event, auditID: 'uuid', requestReceivedTimestamp: 't', stageTimestamp: 't', userAgent: 'kubectl' },
    {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      auditID: 'uuid',
      stage: 'ResponseComplete',
      requestURI: '/api/v1/namespaces/default/pods/web/exec?command=echo&command=hi&container=nginx&stderr=true&stdout=true',
      verb: 'get',
      user: { username: 'system:serviceaccount:octant-exec:octant-exec', groups: ['system:serviceaccounts', 'system:serviceaccounts:octant-exec', 'system:authenticated'] },
      impersonatedUser: { username: 'alice', groups: ['dev', 'system:authenticated'] },
      sourceIPs: ['127.0.0.1'],
      userAgent: 'kubectl',
      objectRef: { resource: 'pods', namespace: 'default', name: 'web', apiVersion: 'v1', subresource: 'exec' },
      responseStatus: { metadata: {}, code: 101 },
      requestReceivedTimestamp: 't',
      stageTimestamp: 't',
      annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by RoleBinding "dev-pod-exec/default" of Role "pod-exec" to Group "dev"' },
    },
  );
  assert.match(event.auditID, /^[0-9a-f-]{36}$/);
  assert.match(event.requestReceivedTimestamp, MICROSECONDS);
  assert.match(event.stageTimestamp, MICROSECONDS);
  assert.ok(event.stageTimestamp >= event.requestReceivedTimestamp);
  // kubectl read the pod first, as alice, and that was recorded too.
  assert.ok(auditEvents(sandbox).some((e) => e.verb === 'get' && e.requestURI === '/api/v1/namespaces/default/pods/web' && e.impersonatedUser?.username === 'alice' && e.responseStatus.code === 200));
});

test('refusals are recorded with their code and message: 401 with no user, 403 with the decision', async () => {
  await call(sandbox, '/api/v1/namespaces/default/pods?wrong-token', { token: 'wrong' });
  await call(sandbox, '/api/v1/namespaces/restricted/pods', { token: sandbox.users.bob.token, method: 'DELETE' });
  const events = await waitFor(() => {
    const all = auditEvents(sandbox);
    const unauthorized = all.find((e) => e.requestURI.endsWith('?wrong-token'));
    const forbidden = all.find((e) => e.verb === 'deletecollection');
    return unauthorized && forbidden && { unauthorized, forbidden };
  }, 'both records');
  assert.equal(events.unauthorized.user, {});
  assert.equal(events.unauthorized.responseStatus, { metadata: {}, code: 401, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized' });
  assert.is(events.forbidden.user.username, 'bob');
  assert.equal(events.forbidden.objectRef, { resource: 'pods', namespace: 'restricted', apiVersion: 'v1' });
  assert.is(events.forbidden.responseStatus.message, 'pods is forbidden: User "bob" cannot deletecollection resource "pods" in API group "" in the namespace "restricted"');
  assert.equal(events.forbidden.annotations, { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' });
});

test('no token is ever written, even one a client puts in its URL or user agent', async () => {
  const alice = sandbox.users.alice.token;
  await call(sandbox, `/api/v1/namespaces/default/pods?access_token=${alice}`, { token: alice, headers: { 'User-Agent': `curl ${sandbox.token}` } });
  await waitFor(() => auditEvents(sandbox).some((e) => e.requestURI.includes('access_token=')), 'the record');
  const text = readFileSync(sandbox.auditLogPath, 'utf8');
  for (const token of [sandbox.token, ...Object.values(sandbox.users).map((u) => u.token)]) assert.not.ok(text.includes(token), 'a token in the audit log');
  const event = auditEvents(sandbox).find((e) => e.requestURI.includes('access_token='))!;
  assert.is(event.requestURI, '/api/v1/namespaces/default/pods?access_token=[redacted]');
  assert.is(event.userAgent, 'curl [redacted]');
});

test('one line per request, owner-only, in the state folder, and removed with it', async () => {
  assert.is(dirname(sandbox.auditLogPath), sandbox.stateDir);
  assert.is(statSync(sandbox.auditLogPath).mode & 0o777, 0o600);
  const lines = readFileSync(sandbox.auditLogPath, 'utf8').split('\n');
  assert.is(lines.pop(), '', 'ends with a newline');
  for (const line of lines) assert.is(JSON.parse(line).kind, 'Event');

  const other = await startTestSandbox({ isolation: 'none' });
  await call(other, '/version');
  await waitFor(() => existsSync(other.auditLogPath) && auditEvents(other).length === 1, 'the one record');
  await other.close();
  assert.not.ok(existsSync(other.auditLogPath));
  assert.not.ok(existsSync(other.stateDir));
});

test.run();

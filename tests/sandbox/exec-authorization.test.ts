// Exec upgrades as people, over both transports: the WebSocket upgrade is a GET, authorized as
// `get` on pods/exec, and like Kubernetes 1.35 it needs `create` as well, which SPDY's POST needs
// alone; tokens and impersonation are checked on upgrades as on every request; a refusal is an
// HTTP answer and starts nothing.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestSandbox } from '../support/sandbox.ts';
import { upgrade } from '../support/sandbox-access.ts';
import { execPath } from '../support/sandbox-exec-client.ts';

const role = (name: string, verbs: string[]) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name, namespace: 'default' },
  rules: [{ apiGroups: [''], resources: ['pods/exec'], verbs }],
});
const toGroup = (name: string) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name, namespace: 'default' },
  roleRef: { kind: 'Role', name },
  subjects: [{ kind: 'Group', name }],
});
const verbs = await startTestSandbox({
  isolation: 'none',
  fixture: {
    users: [
      { name: 'creator', groups: ['exec-create'] },
      { name: 'getter', groups: ['exec-get'] },
      { name: 'both', groups: ['exec-create', 'exec-get'] },
    ],
    rbac: [role('exec-create', ['create']), toGroup('exec-create'), role('exec-get', ['get']), toGroup('exec-get')],
    namespaces: [{ name: 'default', pods: [{ name: 'p', containers: [{ name: 'c', tools: ['true'] }] }] }],
  },
});
const demo = await startTestSandbox({ isolation: 'none' });
test.after(async () => {
  await verbs.close();
  await demo.close();
});

const truePath = execPath({ pod: 'p', container: 'c', command: ['true'] });
const echoPath = execPath({ pod: 'web', container: 'nginx', command: ['echo', 'hi'] });

test('WebSocket needs get and create on pods/exec, SPDY create: each refusal names the verb missing', async () => {
  const answers: Record<string, string> = {};
  for (const name of ['creator', 'getter', 'both']) {
    for (const transport of ['websocket', 'spdy'] as const) {
      const answer = await upgrade(verbs, truePath, transport, { token: verbs.users[name].token });
      answers[`${name} ${transport}`] = answer.status === 101 ? '101' : `${answer.status} ${answer.json().message}`;
    }
  }
  const refused = (name: string, verb: string) => `403 pods "p" is forbidden: User "${name}" cannot ${verb} resource "pods/exec" in API group "" in the namespace "default"`;
  assert.equal(answers, {
    'creator websocket': refused('creator', 'get'),
    'creator spdy': '101',
    'getter websocket': refused('getter', 'create'),
    'getter spdy': refused('getter', 'create'),
    'both websocket': '101',
    'both spdy': '101',
  });
});

test('a wrong token is refused on upgrades too (401), over both transports, and nothing starts', async () => {
  const before = demo.execsBegun();
  for (const transport of ['websocket', 'spdy'] as const) {
    const answer = await upgrade(demo, echoPath, transport, { token: 'wrong' });
    assert.is(answer.status, 401, transport);
    assert.is(answer.json().message, 'Unauthorized');
  }
  assert.is(demo.execsBegun(), before);
});

test("the server's own identity may not exec; impersonating a person with their group, it may, over both transports", async () => {
  const server = demo.users['octant-exec'];
  const before = demo.execsBegun();
  const own = { websocket: 'get', spdy: 'create' } as const;
  for (const transport of ['websocket', 'spdy'] as const) {
    const refused = await upgrade(demo, echoPath, transport, { token: server.token });
    assert.is(refused.status, 403);
    assert.is(refused.json().message, `pods "web" is forbidden: User "system:serviceaccount:octant-exec:octant-exec" cannot ${own[transport]} resource "pods/exec" in API group "" in the namespace "default"`);
    const asAlice = await upgrade(demo, echoPath, transport, { token: server.token, headers: { 'Impersonate-User': 'alice', 'Impersonate-Group': 'dev' } });
    assert.is(asAlice.status, 101, transport);
    const asBob = await upgrade(demo, echoPath, transport, { token: server.token, headers: { 'Impersonate-User': 'bob', 'Impersonate-Group': 'viewers' } });
    assert.is(asBob.json().message, `pods "web" is forbidden: User "bob" cannot ${own[transport]} resource "pods/exec" in API group "" in the namespace "default"`);
  }
  assert.is(demo.execsBegun() - before, 1, 'only the WebSocket upgrade as alice has begun an exec by now (SPDY waits for its streams)');
});

test('impersonation on upgrades: without the right, or malformed, refused before anything starts', async () => {
  const before = demo.execsBegun();
  for (const transport of ['websocket', 'spdy'] as const) {
    const bob = await upgrade(demo, echoPath, transport, { token: demo.users.bob.token, headers: { 'Impersonate-User': 'alice', 'Impersonate-Group': 'dev' } });
    assert.is(bob.json().message, 'users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope');
    const groupOnly = await upgrade(demo, echoPath, transport, { token: demo.users['octant-exec'].token, headers: { 'Impersonate-Group': 'dev' } });
    assert.is(groupOnly.status, 400);
    assert.is(groupOnly.json().message, 'requested [{Group  dev    }] without impersonating a user');
  }
  assert.is(demo.execsBegun(), before);
});

test.run();

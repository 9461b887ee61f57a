// Real kubectl against the sandbox's people: `auth can-i` and `auth whoami` answer as Kubernetes
// would for alice, bob and carol; exec through the octant-exec identity impersonating alice works
// over WebSocket (kubectl 1.33) and SPDY (kubectl 1.29); bob's exec, the octant-exec identity's own
// and impersonation without the right are Forbidden, in Kubernetes' words.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { kubectl, startTestSandbox } from '../support/sandbox.ts';
import { auditEvents } from '../support/sandbox-access.ts';
import { waitFor } from '../support/wait.ts';
import type { SandboxUser } from '../../src/sandbox/index.ts';

const sandbox = await startTestSandbox();
test.after(() => sandbox.close());
const { alice, bob } = sandbox.users;
const server = sandbox.users['octant-exec'];

/** kubectl with a user's own kubeconfig (the later --kubeconfig wins over the admin's). */
const as = (user: SandboxUser, version: string, args: string[]) => kubectl(sandbox, version, ['--kubeconfig', user.kubeconfigPath, ...args]);
const forbidden = (user: string, verb: string, resource: string, namespace = 'default', name = 'web') =>
  `Error from server (Forbidden): pods "${name}" is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "" in the namespace "${namespace}"`;

// `pods/exec` in can-i means the pod named "exec"; the subresource is --subresource.
const QUESTIONS = [
  ['create', 'pods', '--subresource=exec'],
  ['create', 'pods', '--subresource=exec', '-n', 'batch'],
  ['create', 'pods', '--subresource=exec', '-n', 'restricted'],
  ['get', 'pods', '--subresource=exec'],
  ['list', 'pods'],
  ['list', 'pods', '--all-namespaces'],
  ['delete', 'pods'],
  ['create', 'pods/exec'],
  ['list', 'namespaces'],
  ['create', 'pods', '--subresource=attach'],
  ['get', 'pods', '--subresource=log', '-n', 'batch'],
];

for (const [name, expected] of [
  ['alice', 'yes yes no yes yes no no no no yes yes'],
  ['bob', 'no no no no yes yes no no no no no'],
  ['carol', 'yes yes yes yes yes yes yes yes yes yes yes'],
] as const) {
  test(`kubectl auth can-i: yes and no for ${name} as Kubernetes answers them`, async () => {
    const answers: string[] = [];
    for (const question of QUESTIONS) {
      const result = await as(sandbox.users[name], '1.33', ['auth', 'can-i', ...question]);
      const answer = result.stdout.toString().trim();
      assert.is(result.code, answer === 'yes' ? 0 : 1, `${question.join(' ')}: ${result.stderr}`);
      answers.push(answer);
    }
    assert.is(answers.join(' '), expected);
  });
}

test('kubectl auth can-i as someone else: the server identity asks about alice (with her group) and bob; bob may not ask about alice', async () => {
  const ask = (user: SandboxUser, args: string[]) => as(user, '1.33', ['auth', 'can-i', 'create', 'pods', '--subresource=exec', ...args]);
  assert.is((await ask(server, ['--as', 'alice', '--as-group', 'dev'])).stdout.toString(), 'yes\n');
  assert.is((await ask(server, ['--as', 'alice'])).stdout.toString(), 'no\n', 'impersonation carries only the groups it names');
  assert.is((await ask(server, ['--as', 'bob', '--as-group', 'viewers'])).stdout.toString(), 'no\n');
  assert.is((await ask(server, [])).stdout.toString(), 'no\n', 'the server itself may not exec');
  const literal = await as(server, '1.33', ['auth', 'can-i', 'create', 'pods/exec', '--as', 'bob']);
  assert.equal([literal.code, literal.stdout.toString()], [1, 'no\n'], literal.stderr);
  const refused = await ask(bob, ['--as', 'alice']);
  assert.is(refused.code, 1);
  assert.match(refused.stderr, 'users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope');
});

test('kubectl auth whoami: who the API takes you to be, impersonated or not', async () => {
  const whoami = await as(alice, '1.33', ['auth', 'whoami', '-o', 'json']);
  assert.is(whoami.code, 0, whoami.stderr);
  assert.equal(JSON.parse(whoami.stdout.toString()).status.userInfo, { username: 'alice', groups: ['dev', 'system:authenticated'] });
  const table = await as(server, '1.33', ['auth', 'whoami', '--as', 'alice', '--as-group', 'dev']);
  assert.match(table.stdout.toString(), /Username\s+alice\n/);
  assert.match(table.stdout.toString(), /Groups\s+\[dev system:authenticated\]\n/);
});

for (const [version, transport, verb] of [
  ['1.33', 'WebSocket', 'get'],
  ['1.29', 'SPDY/3.1', 'create'],
] as const) {
  test(`kubectl ${version} (${transport}): the octant-exec identity execs as alice; alice without her group, bob, and the identity itself are Forbidden`, async () => {
    const hi = ['exec', 'web', '-c', 'nginx', '--', 'echo', 'hi'];
    const asAlice = await as(server, version, ['--as', 'alice', '--as-group', 'dev', ...hi]);
    assert.is(asAlice.code, 0, asAlice.stderr);
    assert.is(asAlice.stdout.toString(), 'hi\n');
    // It went over this transport: the WebSocket upgrade is a GET (verb get), SPDY a POST (create).
    // An exec's record is written when its connection has ended, which kubectl does not wait for.
    const exec = await waitFor(() => {
      const found = auditEvents(sandbox).filter((e) => e.objectRef?.subresource === 'exec' && e.impersonatedUser?.username === 'alice' && e.userAgent.startsWith(`kubectl.${version}/`));
      return found.length > 0 && found;
    }, 'the audit record of the exec');
    assert.equal(exec.map((e) => `${e.verb} ${e.responseStatus.code}`), [`${verb} 101`]);

    const aliceAlone = await as(server, version, ['--as', 'alice', ...hi]);
    assert.is(aliceAlone.code, 1);
    assert.match(aliceAlone.stderr, forbidden('alice', 'get', 'pods'), 'kubectl reads the pod first');
    for (const run of [as(bob, version, hi), as(server, version, ['--as', 'bob', '--as-group', 'viewers', ...hi])]) {
      const result = await run;
      assert.is(result.code, 1);
      assert.match(result.stderr, forbidden('bob', 'create', 'pods/exec'));
      assert.is(result.stdout.length, 0);
    }
    const itself = await as(server, version, hi);
    assert.is(itself.code, 1);
    assert.match(itself.stderr, forbidden('system:serviceaccount:octant-exec:octant-exec', 'get', 'pods'));
  });

  test(`kubectl ${version}: --as without the right to impersonate is refused before anything runs; the admin still execs as before`, async () => {
    const before = sandbox.execsBegun();
    const refused = await as(alice, version, ['--as', 'carol', 'exec', 'web', '--', 'echo', 'hi']);
    assert.is(refused.code, 1);
    // kubectl's discovery client cannot read a Status, so it prints "unknown", as against a real
    // cluster; the API's answer itself names what is missing (the audit log and get --raw show it).
    assert.match(refused.stderr, 'Error from server (Forbidden)');
    assert.is(sandbox.execsBegun(), before);
    const impersonation = 'users "carol" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope';
    await waitFor(() => auditEvents(sandbox).some((e) => e.user.username === 'alice' && e.responseStatus?.code === 403 && e.responseStatus.message === impersonation), 'the refusal in the audit log');
    const raw = await as(alice, version, ['--as', 'carol', 'get', '--raw', '/api/v1/namespaces/default/pods/web']);
    assert.match(raw.stderr, `Error from server (Forbidden): ${impersonation}`);
    const admin = await kubectl(sandbox, version, ['exec', 'web', '-c', 'nginx', '--', 'echo', 'hi']);
    assert.is(admin.stdout.toString(), 'hi\n', admin.stderr);
  });
}

test('alice with her own kubeconfig execs where her group may, and is refused in restricted', async () => {
  const ok = await as(alice, '1.33', ['exec', '-n', 'batch', 'worker-0', '-c', 'main', '--', 'sh', '-c', 'echo $WORKER_INDEX']);
  assert.is(ok.stdout.toString(), '0\n', ok.stderr);
  const refused = await as(alice, '1.33', ['exec', '-n', 'restricted', 'secret-db', '--', 'id']);
  assert.match(refused.stderr, forbidden('alice', 'get', 'pods', 'restricted', 'secret-db'));
});

test.run();

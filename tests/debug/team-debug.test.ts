// Debug actions in a team mode, below the server: the server's own identity (the sandbox's
// `octant-exec` user, with deploy/rbac.yaml's rights only) adds debug containers and makes debug
// copies impersonating the person, so the cluster's RBAC decides: alice (dev) may, bob (viewers)
// is refused with a sentence naming the verb he lacks, and nothing is added for him.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { ClusterReader } from '../../src/adapters/kubernetes/cluster.ts';
import { KubePodChanges } from '../../src/adapters/kubernetes/debug-pods.ts';
import { ClusterError } from '../../src/adapters/cluster.ts';
import { DebugExecAdapter } from '../../src/adapters/debug-exec.ts';
import { execAdapterFor } from '../../src/adapters/kubernetes/exec-transport-choice.ts';
import type { Person } from '../../src/domain/person.ts';
import { MemoryStore } from '../../src/events/store.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { auditEvents } from '../support/sandbox-access.ts';
import { waitFor } from '../support/wait.ts';

const sandbox = await startTestSandbox();
const contexts = KubeContexts.fromFile(sandbox.users['octant-exec'].kubeconfigPath);
const reader = new ClusterReader(contexts);
const pods = new KubePodChanges(reader);
const system = ExecSystem.open({ adapter: new DebugExecAdapter(execAdapterFor(contexts), pods), store: new MemoryStore(), config: { connectTimeoutMs: 30_000 } });
test.after(async () => {
  await system.shutdown();
  await sandbox.close();
});

const alice: Person = { user: 'alice', groups: ['dev'] };
const bob: Person = { user: 'bob', groups: ['viewers'] };
const debugAs = (person: Person) => {
  const result = system.exec({ target: { namespace: 'default', pod: 'distroless-app', containers: ['app'] }, command: { shell: 'sh' }, interactive: true, requestedBy: person.user, person, mode: { kind: 'debug', image: 'busybox:1.36' } }, ['app']);
  assert.ok('sessionIds' in result);
  return result.sessionIds[0];
};
const row = (id: string) => system.sessionList.byId[id];
const ephemeral = async () => (await reader.as(alice).pod('default', 'distroless-app')).containers.filter((c) => c.kind === 'ephemeral').length;

test("bob may not patch pods/ephemeralcontainers: his Debug fails as forbidden, naming him and the verb; nothing is added", async () => {
  const before = await ephemeral();
  const id = debugAs(bob);
  await waitFor(() => row(id).state === 'failed', 'the refusal', 15_000);
  assert.is(row(id).failure?.reason, 'forbidden');
  assert.match(row(id).failure?.message ?? '', '"bob" is not allowed to patch pods/ephemeralcontainers in namespace "default"');
  assert.is(await ephemeral(), before);
});

test("alice's Debug adds the debug container as alice: the cluster saw the server impersonating her", async () => {
  const id = debugAs(alice);
  await waitFor(() => row(id).state === 'interactive', 'the debug shell', 30_000);
  const name = row(id).debugContainer!;
  const patch = await waitFor(() => auditEvents(sandbox).find((e) => e.objectRef?.subresource === 'ephemeralcontainers' && e.verb === 'patch' && e.responseStatus.code === 200), 'the patch in the audit log');
  assert.is(patch.user.username, 'system:serviceaccount:octant-exec:octant-exec');
  assert.is(patch.impersonatedUser?.username, 'alice');
  assert.ok(name.startsWith('debugger-'));
  system.close(id);
});

test('bob may not create pods: his debug copy is refused with the sentence, and no copy is left', async () => {
  let refusal: unknown;
  await pods.createCopy({ namespace: 'default', pod: 'crashloop', container: 'app', requestedBy: 'bob', person: bob }).catch((error) => (refusal = error));
  assert.ok(refusal instanceof ClusterError && refusal.status === 403);
  assert.match((refusal as Error).message, '"bob" is not allowed to create pods in namespace "default": this needs the "create" verb on "pods"');
  assert.equal((await reader.as(alice).pods('default')).filter((p) => p.name.startsWith('crashloop-debug-')), []);
});

test.run();

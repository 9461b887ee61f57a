// Debug for a person who may exec but not attach (create pods/exec and patch
// pods/ephemeralcontainers, no create pods/attach), below the server against the sandbox: the
// attach to the debug container just made is refused (403), and the run execs a shell in that
// container instead, so the first Debug works and adds one debug container, not one per try.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { ClusterReader } from '../../src/adapters/kubernetes/cluster.ts';
import { KubePodChanges } from '../../src/adapters/kubernetes/debug-pods.ts';
import { KubeContainerRuns } from '../../src/adapters/kubernetes/container-runs.ts';
import { AttachExitAdapter } from '../../src/adapters/attach-exit.ts';
import { DebugExecAdapter } from '../../src/adapters/debug-exec.ts';
import { execAdapterFor } from '../../src/adapters/kubernetes/exec-transport-choice.ts';
import type { Person } from '../../src/domain/person.ts';
import { MemoryStore } from '../../src/events/store.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { auditEvents } from '../support/sandbox-access.ts';
import { waitFor } from '../support/wait.ts';

const sandbox = await startTestSandbox({
  fixture: {
    users: [{ name: 'dave', groups: ['ops'] }],
    rbac: [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'exec-and-debug', namespace: 'default' },
        rules: [
          { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'] },
          { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['get', 'patch'] },
        ],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'ops-exec-and-debug', namespace: 'default' },
        subjects: [{ kind: 'Group', name: 'ops' }],
        roleRef: { kind: 'Role', name: 'exec-and-debug' },
      },
    ],
    namespaces: [{ name: 'default', pods: [{ name: 'app', containers: [{ name: 'app', image: 'busybox:1.36', shells: ['sh'], tools: ['coreutils', 'procps'] }] }] }],
  } as never,
});
// the admin's credentials, impersonating dave, as a team-mode server does
const contexts = KubeContexts.fromFile(sandbox.kubeconfigPath);
const reader = new ClusterReader(contexts);
const adapter = new DebugExecAdapter(new AttachExitAdapter(execAdapterFor(contexts), new KubeContainerRuns(reader)), new KubePodChanges(reader));
const system = ExecSystem.open({ adapter, store: new MemoryStore(), config: { connectTimeoutMs: 30_000 } });
test.after(async () => {
  await system.shutdown();
  await sandbox.close();
});

const dave: Person = { user: 'dave', groups: ['ops'] };
const row = (id: string) => system.sessionList.byId[id];
const debugContainers = async () => (await reader.pod('default', 'app')).containers.filter((c) => c.kind === 'ephemeral').map((c) => c.name);

test("dave's first Debug: the attach is refused, a shell is exec'd in the debug container just made, and the tab is live", async () => {
  const result = system.exec({ target: { namespace: 'default', pod: 'app', containers: ['app'] }, command: { shell: 'sh' }, interactive: true, requestedBy: 'dave', person: dave, mode: { kind: 'debug', image: 'busybox:1.36' } }, ['app']);
  assert.ok('sessionIds' in result);
  const [id] = result.sessionIds;
  await waitFor(() => row(id).state === 'interactive' || row(id).state === 'failed', 'the debug shell', 30_000);
  assert.is(row(id).failure, undefined);
  assert.is(row(id).state, 'interactive');
  const name = row(id).debugContainer!;
  assert.equal(await debugContainers(), [name], 'one debug container, the run is in it');
  const refused = auditEvents(sandbox).find((e) => e.objectRef?.subresource === 'attach' && e.impersonatedUser?.username === 'dave');
  assert.is(refused?.responseStatus.code, 403, 'the attach was tried first, and refused');
  system.close(id);
});

test.run();

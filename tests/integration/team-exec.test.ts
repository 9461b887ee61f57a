// Team mode end to end below the server: exec actions for people, through supervisor → terminal →
// the auto transport (WebSocket, SPDY when refused) → the sandbox, with the server's own identity
// (the sandbox's `octant-exec` user). The person on the action reaches the cluster as
// impersonation; the cluster decides, and the audit trail and the cluster's audit log agree on who.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { execAdapterFor } from '../../src/adapters/kubernetes/exec-transport-choice.ts';
import type { ExecAction } from '../../src/domain/exec-action.ts';
import type { Person } from '../../src/domain/person.ts';
import { MemoryStore } from '../../src/events/store.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { auditEvents } from '../support/sandbox-access.ts';
import { waitFor } from '../support/wait.ts';

const sandbox = await startTestSandbox({ isolation: 'none' });
const system = ExecSystem.open({ adapter: execAdapterFor(KubeContexts.fromFile(sandbox.users['octant-exec'].kubeconfigPath)), store: new MemoryStore(), config: { connectTimeoutMs: 10_000 } });
const output: Record<string, string> = {};
system.io.listen({ output: (id, _channel, chunk) => (output[id] = (output[id] ?? '') + new TextDecoder().decode(chunk)) });
test.after(async () => {
  system.shutdown();
  await sandbox.close();
});

const run = (person: Person, argv: string[]): string => {
  const action: ExecAction = { target: { namespace: 'default', pod: 'web', containers: ['nginx'] }, command: { argv }, interactive: false, requestedBy: person.user, person };
  const result = system.exec(action, ['nginx']);
  assert.ok('sessionIds' in result, JSON.stringify(result));
  return result.sessionIds[0];
};
const row = (id: string) => system.sessionList.byId[id];

test("alice's action runs as alice: her output, her exit code; the cluster saw the server's identity impersonating her and her group", async () => {
  const id = run({ user: 'alice', groups: ['dev'] }, ['sh', '-c', 'echo team-alice; exit 7']);
  await waitFor(() => row(id).state === 'exited', 'the exit');
  assert.is(row(id).exitCode, 7);
  assert.match(output[id], 'team-alice');
  const event = await waitFor(() => auditEvents(sandbox).find((e) => e.objectRef?.subresource === 'exec' && e.requestURI.includes('team-alice') && e.responseStatus.code === 101), 'the exec in the audit log');
  assert.is(event.user.username, 'system:serviceaccount:octant-exec:octant-exec');
  assert.equal(event.impersonatedUser, { username: 'alice', groups: ['dev', 'system:authenticated'] });
});

test("bob's action fails as forbidden, naming bob and create pods/exec; nothing ran", async () => {
  const before = sandbox.execsBegun();
  const id = run({ user: 'bob', groups: ['viewers'] }, ['echo', 'team-bob']);
  await waitFor(() => row(id).state === 'failed', 'the refusal');
  assert.is(row(id).failure?.reason, 'forbidden');
  assert.match(row(id).failure?.message ?? '', '"bob" is not allowed to exec here');
  assert.match(row(id).failure?.message ?? '', 'create pods/exec');
  assert.is(sandbox.execsBegun(), before);
});

test.run();

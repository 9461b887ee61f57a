// Faults between the cluster and octant-exec, injected in the sandbox: each must end the
// terminal in a bounded time with the right state and reason, keep its output, leave no process
// in the sandbox, and let a restart work once the fault clears.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { WebSocketExecAdapter } from '../../src/adapters/kubernetes/websocket-exec.ts';
import type { ExecAction } from '../../src/domain/exec-action.ts';
import { MemoryStore } from '../../src/events/store.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { startTestSandbox, type Sandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { isEnded } from '../../src/protocol/terminal-states.ts';

const test = suite('faults: dropped, stalled, refused, slow');
let sandbox: Sandbox & { scratch: string };
let system: ExecSystem;
const received: Record<string, number> = {};

test.before(async () => {
  sandbox = await startTestSandbox();
  const adapter = new WebSocketExecAdapter(KubeContexts.fromFile(sandbox.kubeconfigPath), { pingIntervalMs: 200, deadAfterMs: 1_000 });
  system = ExecSystem.open({ adapter, store: new MemoryStore(), config: { connectTimeoutMs: 1_500 } });
  system.io.listen({ output: (id, _channel, chunk) => (received[id] = (received[id] ?? 0) + chunk.length) });
});
test.after.each(async () => {
  sandbox.setFaults([]);
  await waitFor(() => sandbox.liveProcessGroups().length === 0, 'no process left in the sandbox', 35_000);
});
test.after(async () => {
  system.shutdown();
  await sandbox.close();
});

const run = (argv: string[], pod = 'web', container = 'nginx'): string => {
  const action: ExecAction = { target: { namespace: 'default', pod, containers: [container] }, command: { argv }, interactive: false, requestedBy: 'tester' };
  const result = system.exec(action, [container]);
  assert.ok('sessionIds' in result);
  return result.sessionIds[0];
};
const row = (id: string) => system.sessionList.byId[id];
const ended = (id: string) => isEnded(row(id).state);

test('a connection dropped after N bytes: disconnected, output up to the drop kept, restart works', async () => {
  sandbox.setFaults([{ pod: 'web', dropAfterBytes: 5_000 }]);
  const id = run(['yes']);
  await waitFor(() => ended(id), 'the end', 5_000);
  assert.is(row(id).state, 'disconnected');
  assert.is(row(id).disconnectReason, 'streamDropped');
  assert.is(received[id], 5_000, 'what was sent before the drop arrived, and nothing after');
  assert.match(system.alerts.list.at(-1)!.message, /lost its connection/);
  sandbox.setFaults([]);
  system.restart(id);
  await waitFor(() => row(id).state === 'interactive', 'the restarted run');
  system.close(id);
});

test('a connection dropped after T seconds while quiet: disconnected', async () => {
  sandbox.setFaults([{ pod: 'web', dropAfterMs: 300 }]);
  const id = run(['sleep', '30']);
  await waitFor(() => ended(id), 'the end', 5_000);
  assert.is(row(id).state, 'disconnected');
});

test('a stalled connection (no bytes, no pongs) is noticed by the pings and ends', async () => {
  sandbox.setFaults([{ pod: 'web', stallAfterBytes: 20_000, stallForMs: 3_000 }]);
  const id = run(['yes']);
  await waitFor(() => ended(id), 'the end', 5_000);
  assert.is(row(id).state, 'disconnected');
  assert.match(row(id).disconnectDetail ?? '', /no answer from the cluster/);
});

test('an exec answered with 500 fails with the cluster words, and starts nothing', async () => {
  const before = sandbox.execCount();
  sandbox.setFaults([{ pod: 'web', execHttpStatus: 500 }]);
  const id = run(['true']);
  await waitFor(() => ended(id), 'the end');
  assert.is(row(id).state, 'failed');
  assert.match(row(id).failure!.message, /HTTP 500.*injected fault/);
  assert.is(sandbox.execCount(), before);
});

test('an upgrade slower than the connect timeout fails as a connection problem', async () => {
  sandbox.setFaults([{ pod: 'web', upgradeDelayMs: 2_500 }]);
  const id = run(['true']);
  await waitFor(() => ended(id), 'the end', 5_000);
  assert.is(row(id).state, 'failed');
  assert.is(row(id).failure!.reason, 'connection');
});

test('the API server restarting: new execs fail to connect, and work again after', async () => {
  const refusing = sandbox.refuseConnectionsFor(1_000);
  const id = run(['true']);
  await waitFor(() => ended(id), 'the end', 5_000);
  assert.is(row(id).state, 'failed');
  assert.match(row(id).failure!.message, /ECONNREFUSED/);
  await refusing;
  system.restart(id);
  await waitFor(() => row(id).state === 'exited', 'the restarted run', 5_000);
  assert.is(row(id).exitCode, 0);
});

test('after every fault, no terminal is left running', () => {
  assert.equal(Object.values(system.snapshots().terminals).filter((t) => typeof t.value === 'object'), []);
});

test.run();

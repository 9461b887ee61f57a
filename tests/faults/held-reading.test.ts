// A viewer that falls behind makes octant-exec stop reading an exec (flow control) for as long
// as it needs: the cluster must not take that silence for a dead client. The client keeps
// pinging while it holds its reading, and the sandbox (like an API server) counts that as life.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { ExecEnd } from '../../src/adapters/exec.ts';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { SpdyExecAdapter } from '../../src/adapters/kubernetes/spdy-exec.ts';
import { WebSocketExecAdapter } from '../../src/adapters/kubernetes/websocket-exec.ts';
import { startTestSandbox, type Sandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('flow control outlasts the heartbeat');
// long enough that a busy machine (a flood of `yes` on 2 cores) never stalls a ping past it
const heartbeatMs = 1_000;
let sandbox: Sandbox & { scratch: string };
test.before(async () => {
  sandbox = await startTestSandbox({ heartbeatMs });
});
test.after(() => sandbox.close());

for (const [name, make] of [
  ['WebSocket', (c: KubeContexts) => new WebSocketExecAdapter(c, { pingIntervalMs: 100, deadAfterMs: 1_000 })],
  ['SPDY', (c: KubeContexts) => new SpdyExecAdapter(c, { pingIntervalMs: 100, deadAfterMs: 1_000 })],
] as const) {
  test(`${name}: an exec held for four heartbeats keeps running and streams again on resume`, async () => {
    const adapter = make(KubeContexts.fromFile(sandbox.kubeconfigPath));
    let received = 0;
    let ended: ExecEnd | undefined;
    const stream = adapter.open(
      { target: { namespace: 'default', pod: 'web', container: 'nginx' }, argv: ['yes'], tty: false, stdin: false },
      { opened() {}, stdout: (chunk) => (received += chunk.length), stderr() {}, ended: (end) => (ended = end) },
    );
    await waitFor(() => received > 0, 'output');
    stream.pause();
    // the scenario: hold the reading well past the sandbox's heartbeat
    await new Promise((resolve) => setTimeout(resolve, 4 * heartbeatMs));
    assert.is(ended, undefined, `the exec ended while held: ${JSON.stringify(ended)}`);
    const before = received;
    stream.resume();
    await waitFor(() => received > before + 1_000_000, 'output after resuming');
    stream.close();
    await waitFor(() => ended, 'the end');
    assert.equal(ended, { kind: 'dropped', reason: 'closed' });
    await waitFor(() => sandbox.liveProcessGroups().length === 0, 'no process left');
  });
}

test.run();

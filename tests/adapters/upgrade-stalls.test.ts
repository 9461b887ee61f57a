// A cluster (or a proxy in front of it) that takes the exec request and never answers it, or
// refuses it with a body that never ends. The adapters must not wait for ever: the exec ends after
// the upgrade timeout, and an exec the user closes while it connects lets go of its connection
// (it was left dialing, one socket per attempt, for as long as the server cared to hold it).
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { ExecAdapter } from '../../src/adapters/exec.ts';
import type { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { SpdyExecAdapter } from '../../src/adapters/kubernetes/spdy-exec.ts';
import { WebSocketExecAdapter } from '../../src/adapters/kubernetes/websocket-exec.ts';
import { FallbackExecAdapter } from '../../src/adapters/kubernetes/fallback-exec.ts';
import type { Duplex } from 'node:stream';
import { runExec } from '../support/exec-run.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import { fakeCluster } from './fake-cluster.ts';

const test = suite('exec upgrades a cluster never answers', { deadlineMs: 30_000 });

/** A 403 whose body starts (the beginning of a Status) and then stops coming, the connection kept. */
function stalledRefusal(socket: Duplex): void {
  socket.on('error', () => {});
  const opening = '{"kind":"Status","message":"pods \\"web\\" is forbidden: User \\"dev\\" cannot';
  socket.write(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${opening.length.toString(16)}\r\n${opening}\r\n`);
}

const transports: [string, (contexts: KubeContexts, upgradeTimeoutMs?: number) => ExecAdapter][] = [
  ['WebSocket', (contexts, upgradeTimeoutMs) => new WebSocketExecAdapter(contexts, { upgradeTimeoutMs })],
  ['SPDY', (contexts, upgradeTimeoutMs) => new SpdyExecAdapter(contexts, { upgradeTimeoutMs })],
];

for (const [name, adapter] of transports) {
  test(`${name}: closed while the cluster has not answered, the exec lets go of its connection`, async () => {
    const cluster = await fakeCluster({ raw: () => {} });
    try {
      const run = runExec(adapter(cluster.contexts), { argv: ['sh'] });
      await waitFor(() => cluster.open() === 1, 'the exec request to reach the cluster');
      run.stream.close();
      assert.equal(await run.ended, { kind: 'dropped', reason: 'closed' });
      await waitFor(() => cluster.open() === 0, 'the connection to go');
    } finally {
      cluster.close();
    }
  });

  test(`${name}: no answer within the upgrade timeout ends the exec as a failure`, async () => {
    const cluster = await fakeCluster({ raw: () => {} });
    try {
      const run = runExec(adapter(cluster.contexts, 300), { argv: ['sh'] });
      const end = await withTimeout(run.ended, 10_000, 'the exec to end');
      assert.is(end.kind === 'failed' && end.failure.reason, 'connection');
      assert.match(JSON.stringify(end), 'no answer');
      await waitFor(() => cluster.open() === 0, 'the connection to go');
    } finally {
      cluster.close();
    }
  });

  test(`${name}: a refusal whose body never ends is reported from what came`, async () => {
    const cluster = await fakeCluster({
      raw: (socket) => {
        socket.on('error', () => {});
        socket.write('HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
        const chunk = `4000\r\n${' '.repeat(0x4000)}\r\n`;
        const more = () => {
          while (!socket.destroyed && socket.write(chunk));
        };
        socket.on('drain', more);
        more();
      },
    });
    try {
      const run = runExec(adapter(cluster.contexts), { argv: ['sh'] });
      const end = await withTimeout(run.ended, 10_000, 'the exec to end');
      assert.is(end.kind === 'failed' && end.upgradeRefused, 403);
    } finally {
      cluster.close();
    }
  });

  test(`${name}: a refusal whose body stops coming is that refusal at the upgrade timeout, not a cluster out of reach`, async () => {
    const cluster = await fakeCluster({ raw: stalledRefusal });
    try {
      const run = runExec(adapter(cluster.contexts, 300), { argv: ['sh'] });
      const end = await withTimeout(run.ended, 10_000, 'the exec to end');
      assert.is(end.kind === 'failed' && end.upgradeRefused, 403);
      assert.is(end.kind === 'failed' && end.failure.reason, 'forbidden');
      assert.match(end.kind === 'failed' ? end.failure.message : '', 'pods \\"web\\" is forbidden', 'what came of the body');
      await waitFor(() => cluster.open() === 0, 'the connection to go');
    } finally {
      cluster.close();
    }
  });
}

test('auto: a WebSocket refusal whose body stops coming still falls back to SPDY', async () => {
  let upgrades = 0;
  const cluster = await fakeCluster({ raw: (socket) => (upgrades++, stalledRefusal(socket)) });
  try {
    const auto = new FallbackExecAdapter(new WebSocketExecAdapter(cluster.contexts, { upgradeTimeoutMs: 300 }), new SpdyExecAdapter(cluster.contexts, { upgradeTimeoutMs: 300 }));
    const end = await withTimeout(runExec(auto, { argv: ['sh'] }).ended, 10_000, 'the exec to end');
    assert.is(end.kind === 'failed' && end.upgradeRefused, 403);
    assert.is(upgrades, 2, 'the SPDY attempt after the WebSocket one');
  } finally {
    cluster.close();
  }
});

test.run();

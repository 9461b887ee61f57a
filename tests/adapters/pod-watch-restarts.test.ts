// A pod watch tells its retry policy (watch-retry.ts) what happened, against the sandbox through a
// TCP forwarder that can cut it: established once its list was read, working at each pod event,
// ended when the connection is cut; then it starts again by itself after the wait the policy gave,
// and sees a deletion made while it was down.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterReader } from '../../src/adapters/kubernetes/cluster.ts';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { KubePodWatches } from '../../src/adapters/kubernetes/pod-watches.ts';
import { WatchRetry } from '../../src/adapters/kubernetes/watch-retry.ts';
import type { PodSummary } from '../../src/domain/pod.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { startTcpCutter } from '../support/tcp-cutter.ts';
import { waitFor } from '../support/wait.ts';

const sandbox = await startTestSandbox({ isolation: 'none' });
const cutter = await startTcpCutter(Number(new URL(sandbox.server).port));
test.after(async () => {
  await cutter.close();
  await sandbox.close();
});

/** The policy as the watch tells it, each call in order; its waits are the real ones. */
class SpyRetry extends WatchRetry {
  readonly calls: string[] = [];
  override watching(): void {
    this.calls.push('watching');
    super.watching();
  }
  override worked(): void {
    this.calls.push('worked');
    super.worked();
  }
  override ended(): number {
    const waitMs = super.ended();
    this.calls.push(`ended, wait ${waitMs}`);
    return waitMs;
  }
}

test('established, working, cut: the watch says each, starts again after the wait it was given, and sees what it missed', async () => {
  const kubeconfig = join(sandbox.scratch, 'through-cutter.kubeconfig');
  writeFileSync(kubeconfig, readFileSync(sandbox.kubeconfigPath, 'utf8').replaceAll(sandbox.server, `https://127.0.0.1:${cutter.port}`), { mode: 0o600 });
  const policies: SpyRetry[] = [];
  const watches = new KubePodWatches(new ClusterReader(KubeContexts.fromFile(kubeconfig)), () => {}, () => policies[policies.push(new SpyRetry()) - 1]);
  let pods: PodSummary[] = [];
  const stop = watches.subscribe(undefined, 'batch', { pods: (seen) => (pods = seen), error: (message) => assert.unreachable(message) });
  try {
    const [policy] = policies;
    await waitFor(() => pods.length === 3 && policy.calls.includes('watching'), "batch's pods listed and the watch established");
    assert.ok(sandbox.deletePod('batch', 'worker-2'));
    await waitFor(() => pods.length === 2, 'the deletion seen through the watch');
    assert.equal(policy.calls, ['watching', 'worked']);
    cutter.hold(); // cut, and the next list refused: one end, then the restart's own
    await waitFor(() => policy.calls.length >= 4, 'the cut watch ended, and the list after it failed');
    assert.equal(policy.calls.slice(2, 4), ['ended, wait 1000', 'ended, wait 2000'], 'an event since the last end: the first wait, then doubled');
    assert.ok(sandbox.deletePod('batch', 'worker-1'));
    cutter.release();
    await waitFor(() => pods.length === 1 && policy.calls.at(-1) === 'watching', 'started again by itself: listed without the pod deleted meanwhile', 15_000);
    assert.is(policies.length, 1, 'one policy for the one watch');
  } finally {
    stop();
    watches.close();
  }
});

test.run();

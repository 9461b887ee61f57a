// A pod deleted and made again under the same name, while the earlier one is still stopping: a
// version deleted before it started never gets a sandbox (nothing would stop it, and the next pod
// of the name would be handed it), and a late start of a deleted pod's main processes or status
// never lands on the new pod of its name.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { startBubblewrapRuntime } from '../../../src/sandbox/isolation/bubblewrap-runtime.ts';
import { ClusterState, type SandboxPod } from '../../../src/sandbox/api/cluster-state.ts';
import { podToCreate } from '../../../src/sandbox/api/pod-create.ts';
import { podStatus, timestamp } from '../../../src/sandbox/api/pod-objects.ts';
import { fixtureFromPod } from '../../../src/sandbox/kubelet/pod-fixture.ts';
import { SandboxKubelet } from '../../../src/sandbox/kubelet/kubelet.ts';
import type { ContainerRuntime } from '../../../src/sandbox/containers/container-runtime.ts';
import type { MainProcesses } from '../../../src/sandbox/containers/main-processes.ts';

const scratch = mkdtempSync(join(tmpdir(), 'octant-exec-made-again-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

/** A pod as a create stores it: its own uid each time. */
function made(state: ClusterState, name: string): SandboxPod {
  const now = timestamp(new Date());
  const result = podToCreate('default', { metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '1000'] }] } }, now);
  if ('refused' in result) throw new Error(String(result.refused.status.message));
  const fixture = fixtureFromPod(result.pod);
  return state.addPod('default', fixture, { ...result.pod, status: podStatus(fixture, now) });
}

/** The pod as the kubelet hands it to the runtime: its containers to be started. */
const runnable = (pod: SandboxPod): SandboxPod => ({ ...pod, fixture: { ...pod.fixture, containers: pod.fixture.containers.map((c) => ({ ...c, state: 'running' as const })) } });

/** Processes with `layers` (a pod's layer directory, from its file system's root) among their mounts: the pod's holders. */
const processesNaming = (layers: string) =>
  readdirSync('/proc').filter((pid) => {
    try {
      return /^\d+$/.test(pid) && readFileSync(`/proc/${pid}/mountinfo`, 'utf8').includes(layers);
    } catch {
      return false;
    }
  });

test('deleted while the earlier pod of its name still stops: it never starts, and the next one gets a sandbox of its own', async () => {
  const stateDir = join(scratch, 'runtime');
  const runtime = await startBubblewrapRuntime({ stateDir, podPidsLimit: 64 });
  const state = new ClusterState({ namespaces: [{ name: 'default', pods: [] }] });
  const layers = join(stateDir, 'pods', 'default', 'again');
  // As mountinfo names it, on whichever file system the scratch folder is.
  const mounted = join(basename(scratch), 'runtime', 'pods', 'default', 'again');
  try {
    await runtime.startPod(runnable(made(state, 'again')));
    assert.ok(existsSync(layers), 'the first pod runs');
    state.deletePod('default', 'again');
    const firstStopped = runtime.deletePod('default', 'again');
    const second = made(state, 'again');
    const secondStarted = runtime.startPod(runnable(second)).then(() => 'started', (error: Error) => error.message);
    state.deletePod('default', 'again');
    const secondDeleted = runtime.deletePod('default', 'again');
    await firstStopped;
    assert.is(await secondStarted, 'pod again was deleted before it started');
    await secondDeleted;
    assert.not.ok(existsSync(layers), 'no layer of the second pod');
    assert.equal(processesNaming(mounted), [], 'no holder of the second pod');

    await runtime.startPod(runnable(made(state, 'again')));
    assert.ok(existsSync(join(layers, 'c.0')), 'the third pod runs, in a sandbox of its own');
    assert.ok(processesNaming(mounted).length > 0);
  } finally {
    await runtime.close();
  }
  assert.equal(processesNaming(mounted), [], 'close stopped the third');
});

test("a deleted pod's late start touches neither the main processes nor the status of the new pod of its name", async () => {
  const state = new ClusterState({ namespaces: [{ name: 'default', pods: [] }] });
  let finishStart = () => {};
  const runtime = { startPod: () => new Promise<void>((resolve) => (finishStart = resolve)) } as unknown as ContainerRuntime;
  const started: string[] = [];
  // A main process that ends at once, so the kubelet reports without waiting for a relist.
  const mainProcesses = { start: (pod: SandboxPod) => (started.push(String(pod.object.metadata.uid)), Promise.resolve({ exited: Promise.resolve() })) } as unknown as MainProcesses;
  const kubelet = new SandboxKubelet(state, runtime, mainProcesses);

  const old = made(state, 'again');
  const running = kubelet.runPod(old);
  state.deletePod('default', 'again');
  const current = made(state, 'again');
  finishStart();
  await running;
  assert.equal(started, [], 'no main process started for the deleted pod');
  assert.equal(state.pod('default', 'again'), current, "the new pod's status is as it was");
});

test.run();

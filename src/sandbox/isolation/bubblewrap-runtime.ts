// The default container runtime: every sandbox pod in namespaces of its own (pod-sandbox.ts),
// started at its first exec and kept until it is deleted or the sandbox closes. Start-up checks
// that bubblewrap is installed, allowed to make user namespaces and able to apply the system-call
// filter (syscall-filter.ts), and says how to fix it when not.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerRuntime } from '../containers/container-runtime.ts';
import type { PodFixture } from '../fixture/fixture.ts';
import { findIsolationTools, type IsolationTools } from './host-tools.ts';
import { PidsLimit } from './pids-limit.ts';
import { privilegedStepProblem } from './privileged-step-check.ts';
import { PodSandbox } from './pod-sandbox.ts';
import { heldFileName, removeEarlierPods } from './earlier-pods.ts';
import { removeWritableLayer } from './writable-layer.ts';
import { syscallFilterFor } from './syscall-filter.ts';

export interface BubblewrapOptions {
  stateDir: string;
  /** the most processes one pod may have at once */
  podPidsLimit: number;
  /** where to find bwrap and the rest; default the PATH and the usual directories */
  toolDirs?: string[];
  /** how long to wait for the processes of an earlier run's pods to end (earlier-pods.ts) */
  earlierPodsWaitMs?: number;
}

export async function startBubblewrapRuntime(options: BubblewrapOptions): Promise<ContainerRuntime> {
  const tools = findIsolationTools(options.toolDirs);
  if ('missing' in tools) throw new Error(tools.missing);
  await checkHostOnce(tools);

  // Layers of pods from an earlier run are stale: a pod starts from its image.
  const podsDir = join(options.stateDir, 'pods');
  const earlierPodsInUse = await removeEarlierPods(tools, options.stateDir, podsDir, options.earlierPodsWaitMs);
  mkdirSync(podsDir, { recursive: true });
  chmodSync(podsDir, 0o700); // what containers write (a setuid file, say) is for no one else on this machine
  const held = join(podsDir, heldFileName());
  writeFileSync(held, '');
  const syscallFilter = await syscallFilterFor(tools);
  const pids = PidsLimit.create(options.podPidsLimit);
  // Pods' device nodes from an earlier run go too (private-devices.ts).
  const devicesDir = join(options.stateDir, 'devices');
  rmSync(devicesDir, { recursive: true, force: true });
  const pods = new Map<string, { namespace: string; name: string; sandbox: Promise<PodSandbox> }>();
  // A deleted pod is not started again by a late exec; only a new pod of that name (startPod) is,
  // once the old one's layers and cgroup are gone. Each deletion's promise ends after the earlier
  // one's, so the latest is gone only when every earlier pod of the name is.
  const deleted = new Map<string, Promise<void>>();
  let closed = false;
  // Both are DNS names, so "_" can be in neither: a key, and a cgroup name, that cannot collide.
  const keyOf = (namespace: string, name: string) => `${namespace}_${name}`;

  const podSandbox = (namespace: string, fixture: PodFixture) => {
    const key = keyOf(namespace, fixture.name);
    const known = pods.get(key);
    if (known) return known.sandbox;
    if (closed || deleted.has(key)) return Promise.reject(new Error(closed ? 'the sandbox is shutting down' : `pod ${fixture.name} was deleted`));
    const sandbox = PodSandbox.start({ tools, layersDir: join(podsDir, namespace, fixture.name), devicesDir: join(devicesDir, namespace, fixture.name), pids: pids.forPod(key), held, syscallFilter }, fixture);
    pods.set(key, { namespace, name: fixture.name, sandbox });
    sandbox.catch(() => pods.get(key)?.sandbox === sandbox && pods.delete(key)); // the next exec tries again
    return sandbox;
  };

  const deletePod = async (namespace: string, name: string) => {
    const key = keyOf(namespace, name);
    const known = pods.get(key);
    pods.delete(key);
    const earlier = deleted.get(key);
    const stopped = (async () => {
      await earlier?.catch(() => {}); // its failure was its own deletion's to report
      await (await known?.sandbox.catch(() => undefined))?.stop();
      await pids.releasePod(key);
    })();
    deleted.set(key, stopped);
    await stopped;
  };

  return {
    isolation: 'bubblewrap',
    warnings: [pids.warning, earlierPodsInUse].filter((warning) => warning !== undefined),
    startPods(toStart) {
      void (async () => {
        for (const pod of toStart) if (!closed) await podSandbox(pod.namespace, pod.fixture).catch(() => {}); // its first exec reports why
      })();
    },
    async startPod(pod) {
      const key = keyOf(pod.namespace, pod.fixture.name);
      const before = deleted.get(key);
      await before;
      // Deleted itself while the earlier pod stopped: its sandbox must not start (nothing would stop
      // it, and a later pod of the name would get it). A later pod's startPod waits for this deletion.
      if (deleted.get(key) !== before) throw new Error(`pod ${pod.fixture.name} was deleted before it started`);
      deleted.delete(key);
      await podSandbox(pod.namespace, pod.fixture);
    },
    startEphemeralContainer: async (pod, container) => (await podSandbox(pod.namespace, pod.fixture)).startEphemeral(container),
    prepareExec: async (pod, container, argv) => (await podSandbox(pod.namespace, pod.fixture)).prepareExec(container, argv),
    deletePod,
    async close() {
      closed = true;
      // deletions under way too (the API does not wait for them): their removals and processes end before the close does
      await Promise.all([...[...pods.values()].map((pod) => deletePod(pod.namespace, pod.name)), ...[...deleted.values()].map((stopping) => stopping.catch(() => {}))]);
      await pids.close();
      const left = await removeWritableLayer(tools, podsDir);
      // the sandbox closes all the same: what stays is in the state directory, which the next start tidies
      if (left) console.error(`octant-exec sandbox: ${left}. The next start on this state directory tries again; or delete that folder yourself`);
      rmSync(devicesDir, { recursive: true, force: true });
    },
  };
}

/** The tools whose checks passed in this process (a test run starts hundreds of sandboxes in one). */
const hostsChecked = new Set<string>();

/**
 * The privileged step's libraries and a throwaway sandbox, checked at the first start with these
 * tools: what they find is this machine's and stays so. A check that failed is made again.
 */
async function checkHostOnce(tools: IsolationTools): Promise<void> {
  const key = [tools.setpriv, tools.bwrap, tools.cat].join('\0');
  if (hostsChecked.has(key)) return;
  const stepProblem = privilegedStepProblem(tools.setpriv);
  if (stepProblem) throw new Error(stepProblem);
  await checkUserNamespaces(tools);
  hostsChecked.add(key);
}

/** One throwaway sandbox with the namespaces a pod needs: fails with bubblewrap's own reason, and what to do. */
async function checkUserNamespaces(tools: IsolationTools): Promise<void> {
  // the network too: a pod's own (a kernel may allow user namespaces and refuse network ones in them)
  const probe = spawn(tools.bwrap, ['--unshare-user', '--disable-userns', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup', '--unshare-net', '--cap-drop', 'ALL', '--ro-bind', '/', '/', '--dev', '/dev', '--', tools.cat, '/dev/null'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  probe.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const code = await new Promise<number | null>((resolve) => {
    probe.once('error', () => resolve(null));
    probe.once('close', resolve);
  });
  if (code === 0) return;
  throw new Error(
    `the sandbox cannot isolate its containers: bubblewrap failed (${stderr.trim().split('\n').join('; ') || `exit ${code}`}). ` +
      'User namespaces, or network namespaces in them, may be turned off here (sysctl user.max_user_namespaces, user.max_net_namespaces, kernel.unprivileged_userns_clone, or on Ubuntu 24.04+ kernel.apparmor_restrict_unprivileged_userns): ' +
      'turn them on, or start with --sandbox-unisolated to run the containers as plain processes of yours on this machine',
  );
}

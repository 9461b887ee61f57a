// One sandbox pod: a user namespace of its own (root inside is the user who started octant-exec,
// with no capabilities outside it, and no way to make further user namespaces), a network
// namespace of its own (loopback only, shared by its containers, as a pod's is), and in them one
// sandbox per running container: its own mount namespace over a fresh writable layer, its own
// UTS (hostname = pod name), IPC and cgroup namespaces, and a PID namespace of its own, or the
// pod's shared one when the pod says shareProcessNamespace. Each is a holder (holder.ts) that
// execs join with nsenter (joining.ts); every process of the pod runs under the system-call filter
// (syscall-filter.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerFixture, EphemeralContainerFixture, PodFixture } from '../fixture/fixture.ts';
import { isRunning } from '../api/pod-objects.ts';
import { allContainers } from '../fixture/start-order.ts';
import { libraryArgs, binaryLinkArgs, procArgs } from './base-layer.ts';
import { containerImage, podHostname, type ContainerImage } from './container-image.ts';
import { startHolder, pauseArgs, SANDBOX_BIN, type Holder } from './holder.ts';
import type { IsolationTools } from './host-tools.ts';
import type { PodPids } from './pids-limit.ts';
import type { ExecPreparation } from '../containers/container-runtime.ts';
import { commandForStdin } from './launcher.ts';
import { containerFiles, containerHolderEntry, execLauncher, HOLDER_FDS } from './joining.ts';
import type { ExecLaunch } from '../processes/running-process.ts';
import { killGroup } from '../processes/exec-processes.ts';
import { findExecutable } from './path-in-root.ts';
import { refuseNulBytes } from '../containers/nul-bytes.ts';
import { createWritableLayer, removeWritableLayer } from './writable-layer.ts';
import { deviceArgs, makePrivateDevices, sealDeviceArgs } from './private-devices.ts';
import { helperArgs, preloadArgs, setprivCommand } from './privileged-step.ts';

/** Namespaces every container makes (its network is its pod's). */
const OWN_NAMESPACES = ['--unshare-ipc', '--unshare-uts', '--unshare-cgroup'];
/** Sandboxes keep no capabilities (bwrap run by root would otherwise pass all of them on) and die with their parent. */
const HARDENING = ['--cap-drop', 'ALL', '--die-with-parent'];

interface RunningContainer {
  image: ContainerImage;
  holder: Holder;
  layer: string;
  /** in a PID namespace of its own (not the pod's shared one, nor a debug target's) */
  ownPids: boolean;
}

export interface PodSandboxContext {
  tools: IsolationTools;
  /** where the pod's writable layers go (one directory per container start) */
  layersDir: string;
  /** where the pod's own device nodes go, when root started the sandbox (private-devices.ts) */
  devicesDir: string;
  pids: PodPids;
  /** the file of this run that every holder keeps open while it lives (earlier-pods.ts) */
  held: string;
  /** the system-call filter (syscall-filter.ts) */
  syscallFilter: Uint8Array;
}

export class PodSandbox {
  private readonly containers = new Map<string, Promise<RunningContainer>>();
  private spare: ChildProcess | undefined;
  private stopped = false;
  /** containers started so far: each start's layer is a new folder (startContainer says why) */
  private starts = 0;
  /** removals of ended containers' layers under way: stop() waits for them before it removes the rest */
  private readonly layerRemovals = new Set<Promise<void>>();

  private constructor(
    private readonly ctx: PodSandboxContext,
    private readonly pod: PodFixture,
    private readonly userNamespace: Holder,
    /** the pod's network namespace, and the PID namespace its containers share when it says shareProcessNamespace */
    private readonly network: Holder,
    /** the pod's own device nodes, or undefined: bwrap's binds of this machine's */
    private readonly devices: string | undefined,
  ) {}

  static async start(ctx: PodSandboxContext, pod: PodFixture): Promise<PodSandbox> {
    const { tools, pids } = ctx;
    const devices = await makePrivateDevices(ctx.devicesDir, tools);
    const userNamespace = await startHolder(tools, {
      args: ['--unshare-user', '--uid', '0', '--gid', '0', '--disable-userns', '--unshare-pid', ...OWN_NAMESPACES, '--hostname', podHostname(pod.name), ...HARDENING, '--seccomp', '5', '--tmpfs', '/', ...libraryArgs(), ...pauseArgs(tools)],
      filter: ctx.syscallFilter,
      cgroupProcs: pids.cgroupProcs,
      holdOpen: ctx.held,
    });
    let network: Holder;
    try {
      // The network namespace (and the PID namespace containers share) must belong to the pod's user
      // namespace, which bwrap --disable-userns made inside the one it made with the others: one more
      // holder, made inside it, as the pod's pause container holds a Kubernetes pod's. bwrap brings
      // its loopback up.
      network = await startHolder(tools, {
        args: ['--userns', '6', '--uid', '0', '--gid', '0', '--unshare-net', '--unshare-pid', ...HARDENING, '--seccomp', '5', '--tmpfs', '/', ...libraryArgs(), ...pauseArgs(tools)],
        filter: ctx.syscallFilter,
        files: [userNamespace.file('ns/user')],
        cgroupProcs: pids.cgroupProcs,
        holdOpen: ctx.held,
      });
    } catch (error) {
      userNamespace.stop();
      throw error;
    }
    const sandbox = new PodSandbox(ctx, pod, userNamespace, network, devices);
    sandbox.spare = sandbox.newLauncher();
    // A container that cannot start says why at its exec (which tries again); the pod is up either way.
    await Promise.allSettled(allContainers(pod).filter(isRunning).map((container) => sandbox.container(container)));
    return sandbox;
  }

  /** the holder whose PID namespace the pod's containers share, if they share one */
  private get sharedPids(): Holder | undefined {
    return this.pod.shareProcessNamespace ? this.network : undefined;
  }

  /** The running container's sandbox, started (again, with a fresh layer) if it is not running. */
  container(container: ContainerFixture): Promise<RunningContainer> {
    if (this.stopped) return Promise.reject(new Error(`pod ${this.pod.name} is being deleted`));
    let running = this.containers.get(container.name);
    if (!running) {
      running = this.startContainer(container);
      this.containers.set(container.name, running);
      // pause killed from inside (the container's main process ended): the next exec restarts it, fresh, like the kubelet would.
      void running.then(
        async ({ holder, layer, ownPids }) => {
          await holder.ended;
          if (this.containers.get(container.name) === running) this.containers.delete(container.name);
          // Its PID namespace ended with its holder, and the kernel ended every process in it first;
          // a process elsewhere may still hold the layer open (writable-layer.ts says why its removal
          // is safe all the same). In the pod's shared one, processes may live on: kept to stop().
          if (ownPids) {
            const removal = removeWritableLayer(this.ctx.tools, layer).then((left) => {
              if (left) console.error(`octant-exec sandbox: ${left}. The sandbox tries again when pod ${this.pod.name} is deleted`);
              this.layerRemovals.delete(removal);
            });
            this.layerRemovals.add(removal);
          }
        },
        () => this.containers.delete(container.name),
      );
    }
    return running;
  }

  /**
   * Adds an ephemeral (debug) container: its own image, layer and mount namespace, and, when it
   * names a target, the target container's PID namespace, as on a node: its `ps` shows the
   * target's processes and `/proc/1/root` is the target's filesystem. Never restarted.
   */
  async startEphemeral(container: EphemeralContainerFixture): Promise<void> {
    const target = allContainers(this.pod).find((c) => c.name === container.targetContainerName); // an init container (a sidecar) too
    const targetPids = target ? (await this.container(target)).holder : undefined;
    const running = this.startContainer(container, targetPids);
    this.containers.set(container.name, running);
    void running.catch(() => this.containers.delete(container.name));
    await running;
  }

  /** Starts a container's holder; in `pidsOf`'s PID namespace when given, else the pod's shared one or its own. */
  private async startContainer(container: ContainerFixture, pidsOf = this.sharedPids): Promise<RunningContainer> {
    const { tools } = this.ctx;
    const image = containerImage(this.pod.name, container);
    // A folder of its own for every start, removed only with the pod (stop), once every process in
    // it is gone: a restarted container's old processes may live on (a PID namespace the pod
    // shares), and making the layer afresh at the same place meant removing a folder they could
    // still change, a symbolic link swapped in under the removal making it remove this machine's
    // files instead.
    const layer = join(this.ctx.layersDir, `${container.name}.${this.starts++}`);
    createWritableLayer(layer, { ...image.files, '/etc/ld.so.preload': '' });
    // at HOLDER_FDS: the pod's user and network namespaces, the PID namespace it joins
    const files = [this.userNamespace.file('ns/user'), this.network.file('ns/net'), ...(pidsOf ? [pidsOf.file('ns/pid')] : [])];
    const pidArgs = pidsOf ? ['--pidns', String(HOLDER_FDS.pids)] : ['--unshare-pid'];
    const programs = image.programs.flatMap(({ source, dest }) => ['--ro-bind', source, dest]);
    const holder = await startHolder(tools, {
      args: [
        ...pidArgs, ...OWN_NAMESPACES, '--hostname', podHostname(this.pod.name), ...HARDENING, '--seccomp', String(HOLDER_FDS.filter),
        '--bind', layer, '/', ...preloadArgs(layer), ...libraryArgs(), ...binaryLinkArgs(), ...programs, ...procArgs(), ...deviceArgs(this.devices), ...helperArgs(tools), ...sealDeviceArgs(),
      ],
      enter: containerHolderEntry(tools),
      filter: this.ctx.syscallFilter,
      files,
      cgroupProcs: this.ctx.pids.cgroupProcs,
      holdOpen: this.ctx.held,
    });
    return { image, holder, layer, ownPids: !pidsOf };
  }

  /**
   * The running container, started afresh if its holder has ended though its end is not heard yet
   * (its pid is then no longer its own to look into: holder.ts). A debug container is never restarted.
   */
  private async liveContainer(container: ContainerFixture): Promise<RunningContainer> {
    const running = this.container(container);
    const { holder } = await running;
    if (holder.alive()) return running;
    holder.stop(); // what is left of it
    await holder.ended; // its end removes its layer (container())
    if (this.containers.get(container.name) === running) this.containers.delete(container.name);
    const restartable = allContainers(this.pod).some((c) => c.name === container.name);
    if (!restartable) throw new Error(`container ${container.name} of pod ${this.pod.name} has ended: a debug container is not started again; add another with kubectl debug`);
    return this.container(container);
  }

  /**
   * How to run argv in the container: the pod's launcher (joining.ts), under its system-call
   * filter, has nsenter join the container's namespaces and root, each opened through its holder's
   * process (launcher.ts), then
   * setpriv (bound inside, and run through the loader and libraries bound beside it, out of the
   * container's reach: privileged-step.ts says why) empties the capability
   * bounding set and sets no_new_privs before the command starts. Root inside thus keeps no
   * capability even in its own user namespace: it cannot mount, remount a read-only bind, chroot
   * or trace anything beyond what its uid already allows. On a terminal, setsid --ctty then makes
   * the command lead a session inside the container with the terminal as its own, as runc does.
   * Last, env (bound inside too) gives the command the container's environment. Only there: the
   * environment is the pod's author's to choose (LD_PRELOAD naming a library in another pod's root,
   * say), and every program before it runs on this machine, or with capabilities; they start with
   * the launcher's empty one.
   */
  async prepareExec(container: ContainerFixture, argv: string[]): Promise<ExecPreparation> {
    const { image, holder } = await this.liveContainer(container);
    const refused = refuseNulBytes(argv, image.env);
    if (refused) return refused;
    const found = findExecutable(`/proc/${holder.nsPid}/root`, argv[0] ?? '', image.env.PATH ?? '');
    // Alive before and after: the look-up was in its root, not another process's given its pid.
    if (!holder.alive()) throw new Error(`container ${container.name} of pod ${this.pod.name} ended as the command was to start in it: run it again, and the container starts afresh`);
    if ('notFound' in found) return found;
    const { tools, pids } = this.ctx;
    const launch: ExecLaunch = {
      start: (io, extraEnv) => {
        const terminal = io.kind === 'terminal';
        const command = [
          ...(pids.nproc ? [tools.prlimit, `--nproc=${pids.nproc}`] : []),
          // the launcher puts the options naming the container's namespaces and root before this "--"
          tools.nsenter, '--wdns=/', '--',
          ...setprivCommand(tools), '--bounding-set=-all', '--inh-caps=-all', '--ambient-caps=-all', '--no-new-privs', '--',
          ...(terminal ? [`${SANDBOX_BIN}/setsid`, '--ctty', '--'] : []),
          // "--": a variable named like an option (-S) is still a variable.
          `${SANDBOX_BIN}/env`, '-i', '--', ...Object.entries({ ...image.env, ...extraEnv }).map(([name, value]) => `${name}=${value}`),
          // env takes every word with "=" for a variable, a program "a=b" too: setpriv, adding nothing, runs it.
          ...(argv[0]?.includes('=') ? [`${SANDBOX_BIN}/setpriv`, '--no-new-privs', '--'] : []),
          ...argv,
        ];
        const launcher = this.takeLauncher();
        launcher.stdin!.write(commandForStdin(command, terminal ? io.tty : undefined, containerFiles(holder)));
        return launcher;
      },
    };
    return { launch };
  }

  /**
   * A launcher that has already closed what it inherited and joined the pod's cgroup (the slow
   * part), waiting for its command on stdin; the next one starts as this one is taken.
   */
  private takeLauncher(): ChildProcess {
    const alive = (launcher: ChildProcess | undefined) => launcher?.pid !== undefined && launcher.exitCode === null && launcher.signalCode === null;
    const ready = alive(this.spare) ? this.spare! : this.newLauncher();
    this.spare = undefined;
    setImmediate(() => (this.spare ??= this.stopped ? undefined : this.newLauncher()));
    return ready;
  }

  private newLauncher(): ChildProcess {
    const [file, ...args] = execLauncher(this.ctx.tools, this.userNamespace, this.ctx.pids.cgroupProcs);
    const launcher = spawn(file, args, { cwd: '/', env: {}, stdio: ['pipe', 'pipe', 'pipe', 'pipe'], detached: true });
    // A launcher that fails or is killed (its pod deleted) before it reads its command: its exit says so.
    launcher.on('error', () => {});
    launcher.stdin!.on('error', () => {});
    const filter = launcher.stdio[3] as NodeJS.WritableStream;
    filter.on('error', () => {});
    filter.end(this.ctx.syscallFilter);
    return launcher;
  }

  /** Stops every sandbox of the pod (killing the holders ends their PID namespaces, and every process in them) and removes the layers. */
  async stop(): Promise<void> {
    this.stopped = true;
    // waited for as the holders are: a stop that resolved with it killed but not yet reaped left a zombie to whoever went on
    const spare = this.spare;
    const spareEnded = spare && spare.exitCode === null && spare.signalCode === null ? new Promise((resolve) => spare.once('exit', resolve)) : undefined;
    if (spare?.pid) killGroup(spare.pid);
    const containers = await Promise.allSettled(this.containers.values());
    const holders = [...containers.flatMap((c) => (c.status === 'fulfilled' ? [c.value.holder] : [])), this.network, this.userNamespace];
    for (const holder of holders) holder.stop();
    await Promise.all([...holders.map((h) => h.ended), spareEnded]);
    await Promise.all(this.layerRemovals); // those the holders' ends started too
    const left = await removeWritableLayer(this.ctx.tools, this.ctx.layersDir);
    if (left) console.error(`octant-exec sandbox: ${left}. The sandbox tries again when it closes, and at its next start on this state directory; or delete that folder yourself`);
    if (this.devices) rmSync(this.devices, { recursive: true, force: true });
  }
}


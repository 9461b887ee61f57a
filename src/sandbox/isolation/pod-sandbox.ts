// One sandbox pod: a user namespace of its own (root inside is the user who started octant-exec,
// with no capabilities outside it, and no way to make further user namespaces), and in it one
// sandbox per running container: its own mount namespace over a fresh writable layer, its own
// UTS (hostname = pod name), IPC and cgroup namespaces, and a PID namespace of its own, or the
// pod's shared one when the pod says shareProcessNamespace. Each is a holder (holder.ts) that
// execs join with nsenter.
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
import { commandForStdin, launching } from './launcher.ts';
import type { ExecLaunch } from '../processes/running-process.ts';
import { killGroup } from '../processes/exec-processes.ts';
import { findExecutable } from './path-in-root.ts';
import { refuseNulBytes } from '../containers/nul-bytes.ts';
import { createWritableLayer, removeWritableLayer } from './writable-layer.ts';
import { deviceArgs, makePrivateDevices } from './private-devices.ts';
import { helperArgs, preloadArgs, setprivCommand } from './privileged-step.ts';

/** Namespaces every sandbox makes; the network stays this machine's (pods on loopback). */
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
}

export class PodSandbox {
  private readonly containers = new Map<string, Promise<RunningContainer>>();
  private spare: ChildProcess | undefined;
  private stopped = false;
  /** containers started so far: each start's layer is a new folder (startContainer says why) */
  private starts = 0;

  private constructor(
    private readonly ctx: PodSandboxContext,
    private readonly pod: PodFixture,
    private readonly userNamespace: Holder,
    private readonly sharedPids: Holder | undefined,
    /** the pod's own device nodes, or undefined: bwrap's binds of this machine's */
    private readonly devices: string | undefined,
  ) {}

  static async start(ctx: PodSandboxContext, pod: PodFixture): Promise<PodSandbox> {
    const { tools, pids } = ctx;
    const devices = await makePrivateDevices(ctx.devicesDir, tools);
    const userNamespace = await startHolder(tools, {
      args: ['--unshare-user', '--uid', '0', '--gid', '0', '--disable-userns', '--unshare-pid', ...OWN_NAMESPACES, '--hostname', podHostname(pod.name), ...HARDENING, '--tmpfs', '/', ...libraryArgs(), ...pauseArgs(tools)],
      cgroupProcs: pids.cgroupProcs,
      holdOpen: ctx.held,
    });
    let sharedPids: Holder | undefined;
    try {
      // The PID namespace containers share must belong to the pod's user namespace: one more holder, made inside it.
      if (pod.shareProcessNamespace) {
        sharedPids = await startHolder(tools, {
          args: ['--userns', '5', '--uid', '0', '--gid', '0', '--unshare-pid', ...HARDENING, '--tmpfs', '/', ...libraryArgs(), ...pauseArgs(tools)],
          namespaces: [`/proc/${userNamespace.nsPid}/ns/user`],
          cgroupProcs: pids.cgroupProcs,
          holdOpen: ctx.held,
        });
      }
    } catch (error) {
      userNamespace.stop();
      throw error;
    }
    const sandbox = new PodSandbox(ctx, pod, userNamespace, sharedPids, devices);
    sandbox.spare = sandbox.newLauncher();
    // A container that cannot start says why at its exec (which tries again); the pod is up either way.
    await Promise.allSettled(allContainers(pod).filter(isRunning).map((container) => sandbox.container(container)));
    return sandbox;
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
          // Its PID namespace ended with its holder, and the kernel ended every process in it first:
          // nothing is left to use its layer. In the pod's shared one, processes may live on: kept to stop().
          if (ownPids) removeWritableLayer(layer);
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
    const namespaces = [`/proc/${this.userNamespace.nsPid}/ns/user`, ...(pidsOf ? [`/proc/${pidsOf.nsPid}/ns/pid`] : [])];
    const pidArgs = pidsOf ? ['--pidns', '6'] : ['--unshare-pid'];
    const programs = image.programs.flatMap(({ source, dest }) => ['--ro-bind', source, dest]);
    const holder = await startHolder(tools, {
      args: [
        '--userns', '5', '--uid', '0', '--gid', '0', ...pidArgs, ...OWN_NAMESPACES, '--hostname', podHostname(this.pod.name), ...HARDENING,
        '--bind', layer, '/', ...preloadArgs(layer), ...libraryArgs(), ...binaryLinkArgs(), ...programs, ...procArgs(), ...deviceArgs(this.devices), ...helperArgs(tools),
      ],
      namespaces,
      cgroupProcs: this.ctx.pids.cgroupProcs,
      holdOpen: this.ctx.held,
    });
    return { image, holder, layer, ownPids: !pidsOf };
  }

  /**
   * How to run argv in the container: nsenter joins the container's namespaces and root, then
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
    const { image, holder } = await this.container(container);
    const refused = refuseNulBytes(argv, image.env);
    if (refused) return refused;
    const found = findExecutable(`/proc/${holder.nsPid}/root`, argv[0] ?? '', image.env.PATH ?? '');
    if ('notFound' in found) return found;
    const { tools, pids } = this.ctx;
    const launch: ExecLaunch = {
      start: (io, extraEnv) => {
        const terminal = io.kind === 'terminal';
        const command = [
          ...(pids.nproc ? [tools.prlimit, `--nproc=${pids.nproc}`] : []),
          tools.nsenter, '--preserve-credentials', `--target=${holder.nsPid}`, '--user', '--mount', '--pid', '--uts', '--ipc', '--cgroup', '--root', '--wdns=/', '--',
          ...setprivCommand(tools), '--bounding-set=-all', '--inh-caps=-all', '--ambient-caps=-all', '--no-new-privs', '--',
          ...(terminal ? [`${SANDBOX_BIN}/setsid`, '--ctty', '--'] : []),
          // "--": a variable named like an option (-S) is still a variable.
          `${SANDBOX_BIN}/env`, '-i', '--', ...Object.entries({ ...image.env, ...extraEnv }).map(([name, value]) => `${name}=${value}`),
          // env takes every word with "=" for a variable, a program "a=b" too: setpriv, adding nothing, runs it.
          ...(argv[0]?.includes('=') ? [`${SANDBOX_BIN}/setpriv`, '--no-new-privs', '--'] : []),
          ...argv,
        ];
        const launcher = this.takeLauncher();
        launcher.stdin!.write(commandForStdin(command, terminal ? io.tty : undefined));
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
    const [file, ...args] = launching(this.ctx.tools.bash, { keepFds: 2, cgroupProcs: this.ctx.pids.cgroupProcs });
    const launcher = spawn(file, args, { cwd: '/', env: {}, stdio: 'pipe', detached: true });
    // A launcher that fails or is killed (its pod deleted) before it reads its command: its exit says so.
    launcher.on('error', () => {});
    launcher.stdin!.on('error', () => {});
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
    const holders = [...containers.flatMap((c) => (c.status === 'fulfilled' ? [c.value.holder] : [])), ...(this.sharedPids ? [this.sharedPids] : []), this.userNamespace];
    for (const holder of holders) holder.stop();
    await Promise.all([...holders.map((h) => h.ended), spareEnded]);
    removeWritableLayer(this.ctx.layersDir);
    if (this.devices) rmSync(this.devices, { recursive: true, force: true });
  }
}


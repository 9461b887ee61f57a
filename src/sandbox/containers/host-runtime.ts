// --sandbox-unisolated: containers are plain processes of this user on this machine, each with a
// working directory and a PATH of only its image's programs. Honest clients see the image they
// expect; nothing keeps a hostile one from the rest of the machine.
import { spawn } from 'node:child_process';
import type { ContainerRuntime } from './container-runtime.ts';
import type { ExecLaunch } from '../processes/running-process.ts';
import { prepareContainerRoot } from './container-root.ts';
import { resolveCommand } from './command-resolver.ts';
import { refuseNulBytes } from './nul-bytes.ts';
import { refuseLoaderVariables } from './loader-variables.ts';
import { onTerminal } from '../processes/terminal-leader.ts';
import { findTool } from '../isolation/host-tools.ts';

export function hostRuntime(stateDir: string): ContainerRuntime {
  return {
    isolation: 'none',
    warnings: ['sandbox containers are NOT isolated (--sandbox-unisolated): a shell in one runs as you, on this machine, and can read and change your files'],
    startPods() {}, // plain processes have nothing to start
    async startPod() {},
    // No namespaces to join: an unisolated debug container is its image's PATH, like any other.
    async startEphemeralContainer() {},
    async prepareExec(pod, container, argv) {
      const root = prepareContainerRoot(stateDir, pod.namespace, pod.fixture.name, container);
      const refused = refuseNulBytes(argv, root.env) ?? refuseLoaderVariables(argv, root.env);
      if (refused) return refused;
      const resolved = resolveCommand(argv[0] ?? '', root.binDir);
      if ('notFound' in resolved) return resolved;
      const launch: ExecLaunch = {
        start: (io, extraEnv) => {
          const options = { cwd: root.workDir, env: { ...root.env, ...extraEnv }, detached: true, stdio: 'pipe' as const };
          if (io.kind === 'pipes') return spawn(resolved.path, argv.slice(1), { ...options, argv0: argv[0] });
          // util-linux's setsid makes the command lead a session with the terminal as its own.
          const [file, ...args] = onTerminal(io.tty, [findTool('setsid') ?? 'setsid', '--ctty', '--', resolved.path, ...argv.slice(1)]);
          return spawn(file, args, options);
        },
      };
      return { launch };
    },
    async deletePod() {},
    async close() {},
  };
}

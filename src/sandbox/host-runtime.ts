// --sandbox-unisolated: containers are plain processes of this user on this machine, each with a
// working directory and a PATH of only its image's programs. Honest clients see the image they
// expect; nothing keeps a hostile one from the rest of the machine.
import type { ContainerRuntime } from './container-runtime.ts';
import { prepareContainerRoot } from './container-root.ts';
import { resolveCommand } from './command-resolver.ts';

export function hostRuntime(stateDir: string): ContainerRuntime {
  return {
    isolation: 'none',
    warnings: ['sandbox containers are NOT isolated (--sandbox-unisolated): a shell in one runs as you, on this machine, and can read and change your files'],
    startPods() {}, // plain processes have nothing to start
    async prepareExec(pod, container, argv) {
      const root = prepareContainerRoot(stateDir, pod.namespace, pod.fixture.name, container);
      const resolved = resolveCommand(argv[0] ?? '', root.binDir);
      if ('notFound' in resolved) return resolved;
      return { spec: { file: resolved.path, argv, cwd: root.workDir, env: root.env } };
    },
    async deletePod() {},
    async close() {},
  };
}

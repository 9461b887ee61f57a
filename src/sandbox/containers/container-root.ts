// Each container gets a directory of its own under the state directory: `root/` is its working
// directory and HOME, `bin/` holds symlinks to exactly the programs its image declares and is
// its whole PATH, so "bash is missing in this image" is true for every program that looks.
import { chmodSync, mkdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerFixture } from '../fixture/fixture.ts';
import { hostBinary, programNames, SHIMS } from './tool-catalog.ts';

export interface ContainerRoot {
  workDir: string;
  binDir: string;
  env: Record<string, string>;
}

export function prepareContainerRoot(stateDir: string, namespace: string, pod: string, container: ContainerFixture): ContainerRoot {
  const base = join(stateDir, 'containers', namespace, pod, container.name);
  const workDir = join(base, 'root');
  const binDir = join(base, 'bin');
  if (!existsSync(binDir)) {
    mkdirSync(workDir, { recursive: true });
    mkdirSync(binDir, { recursive: true });
    for (const name of programNames(container.shells, container.tools)) {
      const target = join(binDir, name);
      if (SHIMS[name]) {
        writeFileSync(target, SHIMS[name]);
        chmodSync(target, 0o755);
        continue;
      }
      const host = hostBinary(name);
      if (host) symlinkSync(host, target);
    }
  }
  return {
    workDir,
    binDir,
    env: { PATH: binDir, HOME: workDir, HOSTNAME: pod, ...(container.env ?? {}) },
  };
}

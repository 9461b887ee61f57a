// The programs container isolation is made of, found once on this machine: bubblewrap builds each
// container's namespaces, util-linux's nsenter joins them for an exec, setpriv drops what root
// inside a container must not keep, setsid gives a terminal exec its session inside the container,
// prlimit sets a process limit where no cgroup can be made, cat stands in for a container's main
// process, env sets an exec's environment (inside the container only), bash starts each of them
// cleanly (launcher.ts), mknod makes the device nodes of a sandbox root started (private-devices.ts),
// rm removes what containers wrote, inside a throwaway sandbox (writable-layer.ts).
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

export interface IsolationTools {
  bwrap: string;
  nsenter: string;
  setpriv: string;
  setsid: string;
  prlimit: string;
  cat: string;
  env: string;
  bash: string;
  mknod: string;
  rm: string;
}

/** Where each tool comes from, for the message that asks for it. */
const PACKAGES: Record<keyof IsolationTools, string> = {
  bwrap: 'bubblewrap',
  nsenter: 'util-linux',
  setpriv: 'util-linux',
  setsid: 'util-linux',
  prlimit: 'util-linux',
  cat: 'coreutils',
  env: 'coreutils',
  bash: 'bash',
  mknod: 'coreutils',
  rm: 'coreutils',
};

/** Where to look: the PATH, then where the packages put them. */
export function defaultToolDirs(): string[] {
  const path = (process.env.PATH ?? '').split(':').filter((dir) => dir.startsWith('/'));
  return [...new Set([...path, '/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'])];
}

/** Where this machine keeps a program, or undefined. */
export function findTool(name: string, dirs = defaultToolDirs()): string | undefined {
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
}

/** Every tool's path, or the install line for the ones that are missing. */
export function findIsolationTools(dirs = defaultToolDirs()): IsolationTools | { missing: string } {
  const found: Partial<IsolationTools> = {};
  const missing: (keyof IsolationTools)[] = [];
  for (const tool of Object.keys(PACKAGES) as (keyof IsolationTools)[]) {
    const path = findTool(tool, dirs);
    if (path) found[tool] = path;
    else missing.push(tool);
  }
  if (missing.length === 0) return found as IsolationTools;
  const packages = [...new Set(missing.map((tool) => PACKAGES[tool]))].join(' ');
  return {
    missing:
      `the sandbox runs every container inside bubblewrap, and ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not installed: ` +
      `install ${packages} (Debian/Ubuntu: sudo apt-get install -y ${packages}; Fedora: sudo dnf install ${packages}), ` +
      `or start with --sandbox-unisolated to run the containers as plain processes of yours on this machine`,
  };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

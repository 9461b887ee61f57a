// What "an image has coreutils" means on this machine: bundle names expand to program names,
// and program names are found among the host's binaries. Only these end up on a container's PATH.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const BUNDLES: Record<string, string[]> = {
  coreutils: [
    'cat', 'wc', 'head', 'tail', 'ls', 'id', 'env', 'sleep', 'printf', 'echo', 'yes', 'tr', 'stty', 'tty',
    'sha256sum', 'md5sum', 'base64', 'true', 'false', 'seq', 'tee', 'dd', 'mkdir', 'rm', 'cp', 'mv', 'pwd',
    'date', 'uname', 'sort', 'uniq', 'cut', 'basename', 'dirname', 'touch', 'test', 'nproc', 'whoami',
    'hostname', 'ln', 'chmod', 'readlink', 'stat', 'du', 'tar',
  ],
  procps: ['ps', 'kill', 'top', 'pkill', 'pgrep'],
  textutils: ['grep', 'sed', 'awk'],
};

/** Programs the sandbox provides itself instead of linking a host binary. */
export const SHIMS: Record<string, string> = {
  // The host's hostname would print the machine's name; a container's prints its pod's.
  hostname: '#!/bin/sh\nprintf \'%s\\n\' "$HOSTNAME"\n',
};

const HOST_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'];

/** Program names for a container's declared shells and tools, bundles expanded, duplicates dropped. */
export function programNames(shells: string[] = [], tools: string[] = []): string[] {
  return [...new Set([...shells, ...tools.flatMap((t) => BUNDLES[t] ?? [t])])];
}

/** Where the host keeps this program, or undefined when it has none (it is then left out). */
export function hostBinary(name: string): string | undefined {
  return HOST_DIRS.map((dir) => join(dir, name)).find((path) => existsSync(path));
}

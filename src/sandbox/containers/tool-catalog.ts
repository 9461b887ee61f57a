// What "an image has coreutils" means on this machine: bundle names expand to program names,
// and program names are found among the host's binaries. Only these end up on a container's PATH.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const BUNDLES: Record<string, string[]> = {
  coreutils: [
    'cat', 'wc', 'head', 'tail', 'ls', 'id', 'env', 'sleep', 'printf', 'echo', 'yes', 'tr', 'stty', 'tty',
    'sha256sum', 'md5sum', 'base64', 'true', 'false', 'seq', 'tee', 'dd', 'mkdir', 'rm', 'cp', 'mv', 'pwd',
    'date', 'uname', 'sort', 'uniq', 'cut', 'basename', 'dirname', 'touch', 'test', 'nproc', 'whoami',
    'hostname', 'ln', 'chmod', 'readlink', 'stat', 'du',
  ],
  procps: ['ps', 'kill', 'top', 'pkill', 'pgrep'],
  textutils: ['grep', 'sed', 'awk'],
};

/**
 * What a program reads at run time besides its binary and libraries, bound with it where this
 * machine has it: fish's prompt, functions and completions are scripts in its share directory
 * (without them it starts with no prompt at all), zsh's functions and both shells' system-wide
 * start-up files likewise.
 */
const PROGRAM_DATA: Record<string, string[]> = {
  fish: ['/usr/share/fish', '/etc/fish'],
  zsh: ['/usr/share/zsh', '/etc/zsh'],
};

/** The data directories of these programs that this machine has. */
export function programData(programs: string[]): string[] {
  return programs.flatMap((name) => (Object.hasOwn(PROGRAM_DATA, name) ? PROGRAM_DATA[name] : [])).filter((path) => existsSync(path));
}

/** Programs the sandbox provides itself instead of linking a host binary. */
export const SHIMS: Record<string, string> = {
  // The host's hostname would print the machine's name; a container's prints its pod's.
  hostname: '#!/bin/sh\nprintf \'%s\\n\' "$HOSTNAME"\n',
};

const HOST_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'];

/**
 * What every image with a shell carries besides: `tar`, which `kubectl cp` runs in the container
 * (`tar cf - …` to copy out, `tar xmf - -C DIR` to copy in); busybox, alpine and Debian images
 * all have one. A shell-less (distroless) image has none, and `kubectl cp` fails there as it does
 * against a real cluster.
 */
const WITH_A_SHELL = ['tar'];

/** Program names for a container's declared shells and tools, bundles expanded, duplicates dropped. */
export function programNames(shells: string[] = [], tools: string[] = []): string[] {
  return [...new Set([...shells, ...tools.flatMap((t) => BUNDLES[t] ?? [t]), ...(shells.length > 0 ? WITH_A_SHELL : [])])];
}

/** Where the host keeps this program, or undefined when it has none (it is then left out). */
export function hostBinary(name: string): string | undefined {
  return HOST_DIRS.map((dir) => join(dir, name)).find((path) => existsSync(path));
}

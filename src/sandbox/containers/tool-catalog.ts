// What "an image has coreutils" means on this machine: bundle names expand to program names,
// and program names are found among the host's binaries. Only these end up on a container's PATH.
import { existsSync, readdirSync } from 'node:fs';
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
 * (without them it starts with no prompt at all), zsh's functions likewise. Only the shell's own
 * files there: its vendor directories hold other packages' snippets (a fish one runs at every
 * start), this machine's and not an image's. The system-wide start-up files in /etc are the
 * image's own too (container-image.ts writes them).
 */
const PROGRAM_DATA: Record<string, string> = { fish: '/usr/share/fish', zsh: '/usr/share/zsh' };
/** fish's vendor_conf.d, vendor_functions.d, …; zsh's vendor-completions, vendor-functions */
const OTHER_PACKAGES = /^vendor[-_]/;

/** The data of these programs that this machine has: the entries of their share directories but other packages'. */
export function programData(programs: string[]): string[] {
  return programs.flatMap((name) => {
    const dir = Object.hasOwn(PROGRAM_DATA, name) ? PROGRAM_DATA[name] : undefined;
    if (!dir || !existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((entry) => !OTHER_PACKAGES.test(entry))
      .map((entry) => join(dir, entry));
  });
}

/** Programs the sandbox provides itself instead of linking a host binary. */
export const SHIMS: Record<string, string> = {
  // The host's hostname would print the machine's name; a container's prints its pod's.
  hostname: '#!/bin/sh\nprintf \'%s\\n\' "$HOSTNAME"\n',
};

const HOST_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'];

/**
 * What every image with a shell carries besides: `tar`, which `kubectl cp` runs in the container
 * (`tar cf - …` to copy out, `tar xmf - -C DIR` to copy in), and `env`, which octant-exec runs it
 * under (`env -u TAR_OPTIONS LC_ALL=C tar …`: src/server/files/tar-command.ts); busybox, alpine and Debian images
 * all have both. A shell-less (distroless) image has neither, and `kubectl cp` fails there as it
 * does against a real cluster.
 */
const WITH_A_SHELL = ['tar', 'env'];

/** Program names for a container's declared shells and tools, bundles expanded, duplicates dropped. */
export function programNames(shells: string[] = [], tools: string[] = []): string[] {
  return [...new Set([...shells, ...tools.flatMap((t) => BUNDLES[t] ?? [t]), ...(shells.length > 0 ? WITH_A_SHELL : [])])];
}

/** Where the host keeps this program, or undefined when it has none (it is then left out). */
export function hostBinary(name: string): string | undefined {
  return HOST_DIRS.map((dir) => join(dir, name)).find((path) => existsSync(path));
}

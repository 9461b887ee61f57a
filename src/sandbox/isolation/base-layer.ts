// What every sandbox container shares with this machine, read-only: its libraries (so the
// image's programs run), terminal and time-zone data, and a /proc of the container's own with the
// host-wide parts hidden or frozen. Written as bubblewrap arguments.
import { existsSync, lstatSync, statSync } from 'node:fs';

/** Directories of libraries: bound read-only wherever the machine has them. */
const LIBRARY_DIRS = ['/usr/lib', '/usr/lib64', '/usr/lib32', '/usr/libx32', '/usr/libexec'];
/** Data programs look up at run time (terminfo for shells and top, zoneinfo for date). */
const DATA_DIRS = ['/usr/share/terminfo', '/usr/share/zoneinfo'];
/** Top-level library links: a merged-/usr machine has symlinks here, an older one real directories. */
const TOP_LIBRARY_DIRS = ['/lib', '/lib64', '/lib32', '/libx32'];

/**
 * /proc files that reach past the container (Docker's lists): made read-only, or hidden. This
 * matters because root in a sandbox container is this machine's user (root, when octant-exec
 * runs as root), and the kernel lets that user write sysctls through any /proc it can see.
 */
const PROC_READ_ONLY = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];
const PROC_HIDDEN = ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi'];

export function libraryArgs(): string[] {
  const args: string[] = [];
  for (const dir of [...LIBRARY_DIRS, ...DATA_DIRS]) if (existsSync(dir)) args.push('--ro-bind', dir, dir);
  for (const dir of TOP_LIBRARY_DIRS) {
    const stat = lstatOrUndefined(dir);
    if (stat?.isSymbolicLink()) args.push('--symlink', `usr${dir}`, dir);
    else if (stat?.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  return args;
}

/** The image's programs live under /usr; /bin and /sbin point there, as on any merged-/usr image. */
export function binaryLinkArgs(): string[] {
  return ['--symlink', 'usr/bin', '/bin', '--symlink', 'usr/sbin', '/sbin'];
}

/** A /proc of the container's PID namespace, with the host-wide parts frozen or hidden. */
export function procArgs(): string[] {
  const args = ['--proc', '/proc'];
  for (const path of PROC_READ_ONLY) if (existsSync(path)) args.push('--ro-bind', path, path);
  for (const path of PROC_HIDDEN) {
    if (!existsSync(path)) continue;
    if (statSync(path).isDirectory()) args.push('--tmpfs', path, '--remount-ro', path);
    else args.push('--ro-bind', '/dev/null', path);
  }
  return args;
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

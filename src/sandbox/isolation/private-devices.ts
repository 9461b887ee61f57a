// The device nodes a container's /dev holds. bwrap's --dev binds this machine's own null, zero,
// full, random, urandom and tty. Started by a user, root inside is that user here, and those nodes
// are root's: out of reach. Started by root, root inside is root here (uid 0 maps to 0), and owning
// a file is all chmod asks, capabilities or not: `chmod 000 /dev/null` in a sandbox shell broke
// every program on this machine. (A read-only bind cannot help: bwrap makes its binds nodev, and a
// device on a nodev mount cannot be opened.) So root makes device nodes of each pod's own, with
// mknod as only root may, and binds them over those: what a container does to them stays in its
// pod (a bind shares the node, so one set for all pods would carry a chmod to every pod).
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import type { IsolationTools } from './host-tools.ts';

/** Each node bwrap's --dev binds, with its major and minor numbers (Linux's devices.txt). */
const DEVICES: Record<string, [number, number]> = { null: [1, 3], zero: [1, 5], full: [1, 7], random: [1, 8], urandom: [1, 9], tty: [5, 0] };

/**
 * One bash runs mknod for every node ($1 mknod, then name, major, minor for each): a process
 * spawned from this one costs in proportion to this one's memory (fork copies its page tables),
 * hundreds of megabytes in a server or a test run, and bash's own forks cost next to nothing.
 * Awaited with the loop free: a server started with --sandbox runs its pods in its own process,
 * and its terminals go on while a pod starts.
 */
const MAKE_ALL = 'mknod=$1; shift; while (($#)); do "$mknod" --mode=666 "$1" c "$2" "$3" || exit; shift 3; done';

/**
 * Under root, a folder of such nodes (made afresh in `dir` with `mknod`); undefined for anyone
 * else, whose containers keep bwrap's binds. Rejects with a sentence when they cannot be made.
 */
export async function makePrivateDevices(dir: string, tools: Pick<IsolationTools, 'bash' | 'mknod'>): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const nodes = Object.entries(DEVICES).flatMap(([name, [major, minor]]) => [join(dir, name), String(major), String(minor)]);
  await new Promise<void>((resolve, reject) =>
    execFile(tools.bash, ['-c', MAKE_ALL, 'mknod', tools.mknod, ...nodes], { env: {} }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const said = stderr.trim() || error.message;
      reject(new Error(`the pod's own device nodes could not be made in ${dir} (${said}): a sandbox started by root needs them, so that a container cannot change this machine's /dev/null, /dev/zero and the rest`));
    }),
  );
  for (const name of Object.keys(DEVICES)) chmodSync(join(dir, name), 0o666); // past the umask
  return dir;
}

/** Kubernetes' (Docker's) default size of a container's /dev/shm: 64 MiB. */
const SHM_BYTES = 64 * 1024 * 1024;

/** bwrap arguments for a container's /dev: bwrap's own, with the pod's nodes over the machine's where there are some. */
export function deviceArgs(privateDevices: string | undefined): string[] {
  const own = privateDevices ? Object.keys(DEVICES).flatMap((name) => ['--dev-bind', join(privateDevices, name), `/dev/${name}`]) : [];
  return ['--dev', '/dev', ...own];
}

/**
 * bwrap arguments, after every other under /dev, that make /dev read-only: it is a tmpfs, and
 * root inside could otherwise fill it with this machine's memory (up to half of it), charged to
 * no process. /dev/shm stays writable, as in Kubernetes, on a tmpfs of its own of 64 MiB; /dev/pts
 * (the container's devpts) is a mount of its own too, and stays as it is.
 */
export function sealDeviceArgs(): string[] {
  return ['--size', String(SHM_BYTES), '--perms', '1777', '--tmpfs', '/dev/shm', '--remount-ro', '/dev'];
}

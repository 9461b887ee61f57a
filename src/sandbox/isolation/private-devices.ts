// The device nodes a container's /dev holds. bwrap's --dev binds this machine's own null, zero,
// full, random, urandom and tty. Started by a user, root inside is that user here, and those nodes
// are root's: out of reach. Started by root, root inside is root here (uid 0 maps to 0), and owning
// a file is all chmod asks, capabilities or not: `chmod 000 /dev/null` in a sandbox shell broke
// every program on this machine. (A read-only bind cannot help: bwrap makes its binds nodev, and a
// device on a nodev mount cannot be opened.) So root makes device nodes of each pod's own, with
// mknod as only root may, and binds them over those: what a container does to them stays in its
// pod (a bind shares the node, so one set for all pods would carry a chmod to every pod).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

/** Each node bwrap's --dev binds, with its major and minor numbers (Linux's devices.txt). */
const DEVICES: Record<string, [number, number]> = { null: [1, 3], zero: [1, 5], full: [1, 7], random: [1, 8], urandom: [1, 9], tty: [5, 0] };

/**
 * Under root, a folder of such nodes (made afresh in `dir` with `mknod`); undefined for anyone
 * else, whose containers keep bwrap's binds. Throws with a sentence when they cannot be made.
 */
export function makePrivateDevices(dir: string, mknod: string): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const [name, [major, minor]] of Object.entries(DEVICES)) {
    const made = spawnSync(mknod, ['--mode=666', join(dir, name), 'c', String(major), String(minor)], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`the pod's own /dev/${name} could not be made in ${dir} (${(made.stderr || made.error?.message || '').trim()}): a sandbox started by root needs them, so that a container cannot change this machine's /dev/${name}`);
    chmodSync(join(dir, name), 0o666); // past the umask
  }
  return dir;
}

/** bwrap arguments for a container's /dev: bwrap's own, with the pod's nodes over the machine's where there are some. */
export function deviceArgs(privateDevices: string | undefined): string[] {
  const own = privateDevices ? Object.keys(DEVICES).flatMap((name) => ['--dev-bind', join(privateDevices, name), `/dev/${name}`]) : [];
  return ['--dev', '/dev', ...own];
}

// The device nodes a container's /dev holds. bwrap's --dev binds this machine's own null, zero,
// full, random, urandom and tty. Started by a user, root inside is that user here, and those nodes
// are root's: out of reach. Started by root, root inside is root here (uid 0 maps to 0), and owning
// a file is all chmod asks, capabilities or not: `chmod 000 /dev/null` in a sandbox shell broke
// every program on this machine. (A read-only bind cannot help: bwrap makes its binds nodev, and a
// device on a nodev mount cannot be opened.) So root makes device nodes of each pod's own (mknod,
// which only root may), and binds them over those: what a container does to them stays in its
// pod (a bind shares the node, so one set for all pods would carry a chmod to every pod).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import type { IsolationTools } from './host-tools.ts';

/** The nodes bwrap's --dev binds from this machine's /dev. */
const DEVICES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];

/**
 * Under root, a folder of such nodes, new ones (made afresh in `dir`); undefined for anyone else,
 * whose containers keep bwrap's binds. Throws with a sentence when they cannot be made.
 *
 * One `cp -R` of this machine's nodes makes them all: it recreates a device as a device (mknod,
 * the same numbers), a new node, not the machine's. One process, spawned from this one, costs in
 * proportion to this one's memory (fork copies its page tables), hundreds of megabytes in a server
 * or a test run; a mknod for each node cost six more. Made synchronously, before anything else of
 * the pod: made while the pod's start awaited them, a shell opened at once in the pod lost its
 * first typed line, most likely to Auto's bash attempt (whose keys terminal-io.ts now carries to sh).
 */
export function makePrivateDevices(dir: string, tools: Pick<IsolationTools, 'cp'>): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  try {
    execFileSync(tools.cp, ['-R', '--no-preserve=all', ...DEVICES.map((name) => `/dev/${name}`), dir], { env: {}, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  } catch (error) {
    const said = String((error as { stderr?: unknown }).stderr ?? '').trim() || (error as Error).message;
    throw new Error(`the pod's own device nodes could not be made in ${dir} (${said}): a sandbox started by root needs them, so that a container cannot change this machine's /dev/null, /dev/zero and the rest`);
  }
  for (const name of DEVICES) chmodSync(join(dir, name), 0o666); // past the umask
  return dir;
}

/** bwrap arguments for a container's /dev: bwrap's own, with the pod's nodes over the machine's where there are some. */
export function deviceArgs(privateDevices: string | undefined): string[] {
  const own = privateDevices ? DEVICES.flatMap((name) => ['--dev-bind', join(privateDevices, name), `/dev/${name}`]) : [];
  return ['--dev', '/dev', ...own];
}

// A container's writable layer: a directory on this machine that the container sees as its root,
// a new one each time the container starts, removed when its pod goes. Every write inside (rm -rf /
// included) lands here; the read-only binds on top of it stay as they are.
//
// It is only ever written, or removed, while no process uses it: once one runs, its contents
// (symlinks included) are the container's, and a removal racing a process that swaps a folder for
// a symbolic link removes what the link names (rmSync looks each path up again as it goes).
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Directories a Linux image has, with their usual modes (a sticky, world-writable /tmp). */
const SKELETON: [string, number][] = [
  ['etc', 0o755],
  ['root', 0o700],
  ['home', 0o755],
  ['tmp', 0o1777],
  ['var', 0o755],
  ['var/tmp', 0o1777],
  ['usr', 0o755],
  ['usr/bin', 0o755],
  ['usr/sbin', 0o755],
  ['usr/local', 0o755],
  ['usr/local/bin', 0o755],
];

/** Makes `dir`, which must not exist yet, a fresh layer holding `files` (path in the container → content). */
export function createWritableLayer(dir: string, files: Record<string, string>): void {
  mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
  mkdirSync(dir, { mode: 0o755 }); // EEXIST rather than writing into a layer a process may use
  for (const [path, mode] of SKELETON) {
    mkdirSync(join(dir, path), { recursive: true });
    chmodSync(join(dir, path), mode); // mkdir's mode goes through the umask
  }
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content, { mode: 0o644 });
  }
}

/**
 * Removes a layer whatever the container left in it, once no process uses it: rmSync follows no
 * symlink it finds, and a directory it may not read (chmod 000 inside, which this side's user also
 * owns) is opened up first.
 */
export function removeWritableLayer(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    openUp(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

function openUp(dir: string): void {
  try {
    chmodSync(dir, 0o700);
    for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) openUp(join(dir, entry.name));
  } catch {
    // not ours to open: rmSync reports it
  }
}

// A container's writable layer: a directory on this machine that the container sees as its root,
// a new one each time the container starts, removed when its pod goes. Every write inside (rm -rf /
// included) lands here; the read-only binds on top of it stay as they are.
//
// Made only while no process can reach it (a folder this creates, never one already there). Its
// removal cannot assume as much: a process holding a file descriptor of a layer (passed over a Unix
// socket by a container that has since ended, or a process of the pod's shared PID namespace) can
// change it while it goes, and swap a folder for a symbolic link to a folder of this machine. A
// removal here on this machine (Node's rmSync looks each path up again as it goes) then removes
// what the link names, as this machine's user (issue #10). So the layer is removed by GNU rm
// (which walks a tree by descriptors, never following a link, at any depth) inside a throwaway
// bubblewrap sandbox in which nothing of this machine is writable but a folder holding the layer
// alone: a link can name nothing else there. It runs as root of a user namespace of its own, with
// CAP_DAC_OVERRIDE only, so a folder a container made unreadable (chmod 000), which this machine's
// user owns, goes too.
import { spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { libraryArgs } from './base-layer.ts';
import type { IsolationTools } from './host-tools.ts';

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
 * A folder a removal moved what it removes into, beside where that was: "." first, so no
 * namespace's, pod's or container's name. What a failed removal left is in one; removing such a
 * folder again removes what is in it.
 */
export const REMOVING_PREFIX = '.removing-';
/** Where the folder holding what goes is bound in the throwaway sandbox, and rm in it. */
const INSIDE = '/removing';
const RM = '/usr/bin/rm';
/** How much of rm's complaints is kept: the first names the problem. */
const STDERR_KEPT = 4096;

/**
 * Removes `dir` (a layer, or a folder of layers) whatever a process does in it meanwhile, and
 * whatever depth its tree has. Never throws: when something stays, the sentence returned says what
 * and where (the rest of it is in a `.removing-…` folder beside it, so a new layer of its name can
 * be made at once); undefined when it is gone.
 */
export async function removeWritableLayer(tools: Pick<IsolationTools, 'bwrap' | 'rm'>, dir: string): Promise<string | undefined> {
  let holder: string | undefined;
  try {
    holder = moveAside(dir);
    if (holder === undefined) return undefined; // not there: nothing to remove
    const entries = readdirSync(holder);
    const complaint = entries.length === 0 ? undefined : await removeInSandbox(tools, holder, entries);
    try {
      rmdirSync(holder);
      return undefined;
    } catch (error) {
      return `the files in ${dir} could not all be removed (${complaint ?? (error as Error).message}): what is left of them is in ${holder}`;
    }
  } catch (error) {
    return `the files in ${dir} could not be removed (${(error as Error).message})${holder ? `: they are in ${holder}` : ''}`;
  }
}

/**
 * A new folder beside `dir` holding it alone, or `dir` itself when it is such a folder already (a
 * failed removal's); undefined when `dir` is not there. The folder is this side's: no process of a
 * container can reach it, only into the layer in it.
 */
function moveAside(dir: string): string | undefined {
  if (basename(dir).startsWith(REMOVING_PREFIX)) return exists(dir) ? dir : undefined;
  let holder: string;
  try {
    holder = mkdtempSync(join(dirname(dir), REMOVING_PREFIX));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // its folder is gone, so is it
    throw error;
  }
  try {
    renameSync(dir, join(holder, basename(dir)));
  } catch (error) {
    rmdirSync(holder);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return holder;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `rm -rf --one-file-system` on `entries` of `holder` inside a throwaway sandbox: a tmpfs
 * root, this machine's libraries and rm read-only, `holder` the one writable folder, every
 * namespace its own but the network's. Its first complaint (with `holder`'s path for the sandbox's), or undefined.
 */
async function removeInSandbox(tools: Pick<IsolationTools, 'bwrap' | 'rm'>, holder: string, entries: string[]): Promise<string | undefined> {
  const args = [
    // every namespace but the network's (rm needs none, and a kernel may refuse it in a user namespace)
    '--unshare-user', '--unshare-ipc', '--unshare-pid', '--unshare-uts', '--unshare-cgroup-try', '--uid', '0', '--gid', '0', '--die-with-parent', '--cap-drop', 'ALL', '--cap-add', 'CAP_DAC_OVERRIDE',
    '--tmpfs', '/', ...libraryArgs(), '--ro-bind', tools.rm, RM, '--bind', holder, INSIDE,
    '--', RM, '-rf', '--one-file-system', '--', ...entries.map((name) => `${INSIDE}/${name}`),
  ];
  const rm = spawn(tools.bwrap, args, { cwd: '/', env: {}, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  rm.stderr!.setEncoding('utf8').on('data', (text: string) => {
    if (stderr.length < STDERR_KEPT) stderr += text;
  });
  const code = await new Promise<number | string | null>((resolve) => {
    rm.once('error', (error) => resolve(error.message));
    rm.once('close', (exit, signal) => resolve(exit ?? signal));
  });
  if (code === 0) return undefined;
  const first = stderr.split('\n').find((line) => line.trim() !== '');
  return first ? first.replaceAll(`'${INSIDE}/`, `'${holder}/`) : `rm in bubblewrap ended with ${code}`;
}

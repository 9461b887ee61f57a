// Finds argv[0] inside a running container the way runc does (the container's PATH, its
// filesystem), from outside it: through /proc/PID/root of a process in the container. Symlinks
// there belong to the container, so they are followed by hand, each one inside that root; the
// kernel is never asked to follow one, which would take an absolute link to this machine's files.
import { lstatSync, readlinkSync, statSync } from 'node:fs';
import { posix } from 'node:path';

/** Linux's own limit on symlinks in one lookup. */
const MAX_LINKS = 40;

export type Found = { path: string } | { notFound: string };

/** runc's lookup and wording: a bare name along PATH, anything with a slash as a path from cwd. */
export function findExecutable(root: string, argv0: string, pathVariable: string, cwd = '/'): Found {
  if (!argv0.includes('/')) {
    for (const dir of pathVariable.split(':')) {
      const candidate = posix.join(posix.resolve(cwd, dir || '.'), argv0);
      if (argv0 && isExecutableFile(root, candidate)) return { path: candidate };
    }
    return { notFound: `exec: "${argv0}": executable file not found in $PATH` };
  }
  const path = posix.resolve(cwd, argv0);
  if (!hostPath(root, path)) return { notFound: `exec: "${argv0}": stat ${argv0}: no such file or directory` };
  if (!isExecutableFile(root, path)) return { notFound: `exec: "${argv0}": permission denied` };
  return { path };
}

function isExecutableFile(root: string, path: string): boolean {
  const host = hostPath(root, path);
  if (!host) return false;
  try {
    const stat = statSync(host); // every symlink on the way is already resolved
    return stat.isFile() && (stat.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** This machine's path for `path` as seen by a process whose root is `root`, or undefined when nothing is there. */
export function hostPath(root: string, path: string): string | undefined {
  const pending = path.split('/');
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      resolved.pop(); // ".." at the root stays at the root, as in the container
      continue;
    }
    const here = posix.join(root, ...resolved, part);
    let stat;
    try {
      stat = lstatSync(here);
    } catch {
      return undefined;
    }
    if (!stat.isSymbolicLink()) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_LINKS) return undefined;
    const target = readlinkSync(here);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...target.split('/'));
  }
  return posix.join(root, ...resolved);
}

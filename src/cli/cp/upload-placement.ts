// Where `octant-exec cp SRC POD:DST` puts SRC, as kubectl cp places it: onto a folder DST (one the
// container has, or DST ending in "/" or "/.") it goes in under its own name; a SRC ending in "."
// (".", "./", "dir/.") is its contents, put into DST (made if missing); otherwise DST names the
// copy. The upload extracts in the folder `dir` an archive whose one top entry is `name`, or, with
// no `name`, SRC's contents alone (so DST, a folder there, keeps its mode, and a symlink there stays).
import { basename, resolve } from 'node:path';
import { posix } from 'node:path';
import { UsageError } from '../usage.ts';

/** What DST is in the container: a folder, a file (or what a symlink there leads to), or nothing usable */
export type RemoteKind = 'folder' | 'file' | undefined;

export interface Placement {
  dir: string;
  /** the top entry's name; none: SRC's contents, straight into `dir` */
  name?: string;
}

/**
 * DST as the container path to ask about: "." parts and trailing "/" resolved ("/" stays "/"). A
 * ".." is refused: only the container can say where it leads (through a symlink, or nowhere).
 */
export function remoteTarget(dst: string): string {
  if (dst.split('/').includes('..')) throw new UsageError(`the path in the container may not have ".." parts: give it plainly, not "${dst.slice(0, 100)}"`);
  return posix.normalize(dst).replace(/(.)\/+$/, '$1');
}

/** Where SRC goes; `localIsFolder` (SRC itself, a symlink not followed) and `kind` (of remoteTarget(dst)) decide. */
export function uploadPlacement(local: string, dst: string, kind: RemoteKind, localIsFolder: boolean): Placement {
  const path = remoteTarget(dst);
  if (localIsFolder && kind === 'file') throw new PlacementError(`"${path}" is a file in the container: a folder cannot be copied onto it. Name a folder, or a path that is not there yet.`);
  if (/(^|\/)\.\/*$/.test(local) && localIsFolder) return kind === 'folder' ? { dir: path } : { dir: posix.dirname(path), name: posix.basename(path) };
  const folderMeant = /\/\.?$/.test(dst) || kind === 'folder';
  // `..` is named as the folder it stands for
  return folderMeant ? { dir: path, name: basename(resolve(local)) } : { dir: posix.dirname(path), name: posix.basename(path) };
}

export class PlacementError extends Error {}

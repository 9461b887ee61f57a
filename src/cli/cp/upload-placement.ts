// Where `octant-exec cp SRC POD:DST` puts SRC, as kubectl cp places it: onto a folder DST (one the
// container has, or DST ending in "/", "/." or "/..") it goes in under its own name; a SRC ending
// in "." (".", "./", "dir/.") is its contents, merged into DST; otherwise DST names the copy. The
// upload extracts an archive whose one top entry is `name` in the folder `dir`.
import { basename, resolve } from 'node:path';
import { posix } from 'node:path';

/** What DST is in the container: a folder, a file (or what a symlink there leads to), or nothing usable */
export type RemoteKind = 'folder' | 'file' | undefined;

export interface Placement {
  dir: string;
  name: string;
}

/** DST as the container path to ask about: ".", ".." and trailing "/" resolved ("/" stays "/"). */
export function remoteTarget(dst: string): string {
  return posix.normalize(dst).replace(/(.)\/+$/, '$1');
}

/** Where SRC goes; `localIsFolder` (SRC itself, a symlink not followed) and `kind` (of remoteTarget(dst)) decide. */
export function uploadPlacement(local: string, dst: string, kind: RemoteKind, localIsFolder: boolean): Placement {
  const path = remoteTarget(dst);
  if (localIsFolder && kind === 'file') throw new PlacementError(`"${path}" is a file in the container: a folder cannot be copied onto it (kubectl cp fails here too). Name a folder, or a path that is not there yet.`);
  const contents = /(^|\/)\.\/*$/.test(local);
  if (contents && path !== '/') return { dir: posix.dirname(path), name: posix.basename(path) };
  const folderMeant = /\/(\.\.?)?$/.test(dst) || kind === 'folder';
  // `..` (and `.` onto /) is named as the folder it stands for
  return folderMeant ? { dir: path, name: basename(resolve(local)) } : { dir: posix.dirname(path), name: posix.basename(path) };
}

export class PlacementError extends Error {}

// A file that is either all there or not there at all: written under a temporary name, flushed
// to the disk, then renamed over the real name (a rename is atomic), and the folder flushed so
// the new name survives a power cut too. A write that fails (a full disk) leaves the old file as
// it was and no temporary file behind. The temporary file is always a new one (never something
// already at its name, such as a symlink planted there), and it keeps the owner of the file it
// replaces: root running `octant-exec log compact` on a user's state directory must not leave
// files that user's server cannot open.
import { Buffer } from 'node:buffer';
import { closeSync, fchownSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';

export const TEMP_SUFFIX = '.tmp';

export class AtomicFile {
  readonly #path: string;
  readonly #temp: string;
  #fd: number | undefined;

  constructor(path: string) {
    this.#path = path;
    this.#temp = path + TEMP_SUFFIX;
    this.#fd = openNew(this.#temp);
    try {
      keepOwner(this.#fd, path);
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  write(chunk: string | Uint8Array): void {
    try {
      writeFully(this.#fd!, chunk);
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  /** Flushes, then gives the file its real name; `beforeRename` is the last moment it is not there yet. */
  commit(beforeRename?: () => void): void {
    try {
      fsyncSync(this.#fd!);
    } catch (error) {
      this.abort();
      throw error;
    }
    closeSync(this.#fd!);
    this.#fd = undefined;
    beforeRename?.();
    renameSync(this.#temp, this.#path);
    syncFolder(dirname(this.#path));
  }

  abort(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    rmSync(this.#temp, { force: true });
  }
}

/**
 * Opens `temp` as a new file (O_EXCL, which never follows a symlink). One already there is what a
 * killed write of the same kind left (one writer of each kind runs at a time, under the locks):
 * it is removed (a symlink itself, never what it points to) and the file made anew.
 */
function openNew(temp: string): number {
  try {
    return openSync(temp, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  rmSync(temp, { force: true });
  return openSync(temp, 'wx', 0o600);
}

/** Gives the new file the owner of the file it replaces, else of its folder: only root can, and only root would write another user's. */
function keepOwner(fd: number, path: string): void {
  if (process.getuid?.() !== 0) return;
  const owner = lstatSync(path, { throwIfNoEntry: false }) ?? statSync(dirname(path));
  if (owner.uid !== 0 || owner.gid !== 0) fchownSync(fd, owner.uid, owner.gid);
}

/** Writes all of `chunk` at the end of `fd` (one write may take only part of it); returns its length. */
export function writeFully(fd: number, chunk: string | Uint8Array): number {
  const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
  return bytes.length;
}

/** Removes the temporary files in `dir`: what killed writes left there (its one writer of that kind calls this, under its lock). */
export function removeTempFiles(dir: string): void {
  for (const name of readdirSync(dir)) if (name.endsWith(TEMP_SUFFIX)) rmSync(join(dir, name), { force: true });
}

/** Makes `path` (mode 0700) and the folders above it it needs, each made durable in its parent as a new file is. */
export function makeFolder(path: string): void {
  const first = mkdirSync(path, { recursive: true, mode: 0o700 });
  if (first === undefined) return; // there already
  for (let made = path; ; made = dirname(made)) {
    syncFolder(dirname(made));
    if (made === first) return;
  }
}

/** Makes a folder's entries (a new or renamed file) durable; where the platform cannot, the rename is still atomic. */
export function syncFolder(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot open or flush a folder: nothing more can be done there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

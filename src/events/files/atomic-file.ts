// A file that is either all there or not there at all: written under a temporary name, flushed
// to the disk, then renamed over the real name (a rename is atomic), and the folder flushed so
// the new name survives a power cut too. A write that fails (a full disk) leaves the old file as
// it was and no temporary file behind.
import { Buffer } from 'node:buffer';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export const TEMP_SUFFIX = '.tmp';

export class AtomicFile {
  readonly #path: string;
  readonly #temp: string;
  #fd: number | undefined;

  constructor(path: string) {
    this.#path = path;
    this.#temp = path + TEMP_SUFFIX;
    this.#fd = openSync(this.#temp, 'w', 0o600);
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

/** Writes all of `chunk` at the end of `fd` (one write may take only part of it); returns its length. */
export function writeFully(fd: number, chunk: string | Uint8Array): number {
  const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
  return bytes.length;
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

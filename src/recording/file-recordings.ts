// Recordings as files in the state directory's recordings/ folder (mode 0600, in a 0700 folder):
// one replica's own. A run's file is `NAME.cast` while written, `NAME.cast.gz` once compressed.
// Made, what a process stopped mid-way left is found at once (before any new recording starts,
// so a file being written is never taken for a leftover): half-written .gz removed, plain ones
// handed to the recorder to compress.
import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { readCast, type ReadCast } from './cast-file.ts';
import { castFiles } from './cast-writer.ts';
import { compressCast } from './compress-cast.ts';
import type { CastSink, RecordingStorage } from './recording-storage.ts';
import { DEFAULT_RECORD_MIN_FREE_BYTES, DiskFloor } from './disk-floor.ts';

/** a recording's name: what the recorder makes, and all this will open */
const NAME = /^[A-Za-z0-9_-]{1,100}\.cast$/;

export class FileRecordings implements RecordingStorage {
  readonly shared = false;
  readonly readHoldsConnection = false;
  readonly noun = 'file';
  readonly #leftovers: string[] = [];
  readonly #floor: DiskFloor;

  /** `floor`: what keeps recordings off the disk's last free bytes (default: --record-min-free's) */
  constructor(
    readonly dir: string,
    floor: DiskFloor | number = DEFAULT_RECORD_MIN_FREE_BYTES,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.#floor = typeof floor === 'number' ? new DiskFloor(dir, floor) : floor;
    for (const name of readdirSync(dir)) {
      if (name.endsWith('.gz.part')) unlinkSync(join(dir, name));
      else if (NAME.test(name)) this.#leftovers.push(name);
    }
  }

  where(name: string): string {
    return `Its file is ${name} in the recordings folder of the state directory.`;
  }

  /** Refused below the disk floor; and each write is, once the disk falls below it (the writer stops there). */
  async open(name: string, append: boolean): Promise<CastSink> {
    const floor = this.#floor;
    await floor.check();
    const file = await castFiles.open(this.#path(name), append);
    return {
      write: async (buffer, offset, length) => {
        await floor.check();
        return file.write(buffer, offset, length);
      },
      datasync: () => file.datasync(),
      truncate: (length) => file.truncate(length),
      close: () => file.close(),
    };
  }

  async discard(name: string): Promise<void> {
    await unlink(this.#path(name));
  }

  async leftovers(): Promise<string[]> {
    return this.#leftovers.splice(0);
  }

  async finish(name: string): Promise<boolean> {
    await compressCast(this.#path(name));
    return true;
  }

  /** the file as it is now: compressed, or as a crash or a run still going left it */
  async read(name: string, maxBytes: number): Promise<ReadCast | undefined> {
    if (!NAME.test(name)) return undefined;
    for (const path of [`${this.#path(name)}.gz`, this.#path(name)]) {
      if (isFile(path)) return readCast(path, maxBytes);
    }
    return undefined;
  }

  /** only the recorder's own names: anything else in the folder is left alone */
  async list(): Promise<Array<{ name: string; writtenAt: number }>> {
    const kept = new Map<string, number>(); // a compression under way shows both forms: one recording
    for (const file of await readdir(this.dir)) {
      const name = file.replace(/\.gz$/, '');
      if (!NAME.test(name)) continue;
      const written = await stat(join(this.dir, file)).catch(() => undefined);
      if (written) kept.set(name, Math.max(kept.get(name) ?? 0, written.mtimeMs));
    }
    return [...kept].map(([name, writtenAt]) => ({ name, writtenAt }));
  }

  /** both forms: a compression meanwhile leaves one or the other */
  async remove(name: string): Promise<void> {
    for (const path of [`${this.#path(name)}.gz`, this.#path(name)]) {
      await unlink(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
  }

  async close(): Promise<void> {}

  #path(name: string): string {
    if (!NAME.test(name)) throw new Error(`"${name.slice(0, 100)}" is not a recording's name`);
    return join(this.dir, name);
  }
}

/** Whether a regular file is there: not when nothing is, or a file stands where the folder should be. */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
    throw error;
  }
}

// A local file or directory as tar entries (for `octant-exec cp` uploads), read as the tar is
// written: directories walked in name order, files streamed. Sockets, devices and fifos are
// skipped and told to `skipped`, as GNU tar does with sockets. A file that changes while it is
// read (a log still written to) is sent as GNU tar sends it: the size its header announced, read
// as it is, and told to `changed` ("file changed as we read it"), never more or less than announced.
import { createReadStream, promises as fs, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { WriteEntry } from './tar-writer.ts';

export interface LocalReport {
  /** an entry left out, and why */
  skipped?(name: string, why: string): void;
  /** a file (its local path) that changed while it was read: what went may be cut short or mix two versions */
  changed?(path: string): void;
}

export async function* localEntries(path: string, name: string, report: LocalReport = {}): AsyncGenerator<WriteEntry> {
  const stat = await fs.lstat(path, { bigint: true });
  const mtime = Math.floor(Number(stat.mtimeMs) / 1000);
  const mode = Number(stat.mode) & 0o7777;
  if (stat.isSymbolicLink()) {
    yield { name, type: 'symlink', mode, mtime, linkname: await fs.readlink(path) };
  } else if (stat.isFile()) {
    yield { name, type: 'file', mode, mtime, size: Number(stat.size), body: fileBody(path, stat, () => report.changed?.(path)) };
  } else if (stat.isDirectory()) {
    yield { name, type: 'directory', mode, mtime };
    yield* folderContents(path, `${name}/`, report);
  } else {
    report.skipped?.(name, 'not a file, directory or symlink');
  }
}

/** What a local folder holds, as entries named `prefix` + their names: the folder itself has none (its mode stays the destination's). */
export async function* folderContents(path: string, prefix = '', report: LocalReport = {}): AsyncGenerator<WriteEntry> {
  for (const child of (await fs.readdir(path)).sort()) yield* localEntries(join(path, child), `${prefix}${child}`, report);
}

/**
 * A file's first `before.size` bytes (the size its header announced), then whether it changed
 * meanwhile, as GNU tar checks after reading: another size, modification or change time, or
 * another file under the name. Growth is never read: the bytes past the size would not fit the
 * header. A file that shrank ends short, and the tar writer refuses it (padding would send bytes
 * the file never had).
 */
async function* fileBody(path: string, before: BigIntStats, changed: () => void): AsyncGenerator<Uint8Array> {
  if (before.size > 0n) yield* createReadStream(path, { start: 0, end: Number(before.size) - 1 });
  const after = await fs.lstat(path, { bigint: true }).catch(() => undefined);
  const same = after !== undefined && after.size === before.size && after.mtimeNs === before.mtimeNs && after.ctimeNs === before.ctimeNs && after.ino === before.ino && after.dev === before.dev;
  if (!same) changed();
}

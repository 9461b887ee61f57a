// A local file or directory as tar entries (for `octant-exec cp` uploads), read as the tar is
// written: directories walked in name order, files streamed. Sockets, devices and fifos are
// skipped and told to `skipped`, as GNU tar does with sockets.
import { createReadStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { WriteEntry } from './tar-writer.ts';

export async function* localEntries(path: string, name: string, skipped: (name: string, why: string) => void = () => {}): AsyncGenerator<WriteEntry> {
  const stat = await fs.lstat(path);
  const mtime = Math.floor(stat.mtimeMs / 1000);
  const mode = stat.mode & 0o7777;
  if (stat.isSymbolicLink()) {
    yield { name, type: 'symlink', mode, mtime, linkname: await fs.readlink(path) };
  } else if (stat.isFile()) {
    yield { name, type: 'file', mode, mtime, size: stat.size, body: createReadStream(path) };
  } else if (stat.isDirectory()) {
    yield { name, type: 'directory', mode, mtime };
    yield* folderContents(path, `${name}/`, skipped);
  } else {
    skipped(name, 'not a file, directory or symlink');
  }
}

/** What a local folder holds, as entries named `prefix` + their names: the folder itself has none (its mode stays the destination's). */
export async function* folderContents(path: string, prefix = '', skipped: (name: string, why: string) => void = () => {}): AsyncGenerator<WriteEntry> {
  for (const child of (await fs.readdir(path)).sort()) yield* localEntries(join(path, child), `${prefix}${child}`, skipped);
}

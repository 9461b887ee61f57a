// Extracts a tar stream into a local directory without letting it reach outside: names are
// checked (entry-names.ts), no entry is written through a symlink that is already there (the
// trick behind CVE-2019-1002101, CVE-2019-11246 and CVE-2019-11251: plant a link, then write
// "link/file"), symlinks and hard links must point inside, and devices and fifos are refused.
// Files are written as their data arrives (memory stays flat), without the setuid/setgid bits.
// The first refused entry stops the extraction: what came before it is inside the destination.
import { constants, lstatSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { entryParts, linkStaysInside, show } from './entry-names.ts';
import { readTar, type TarEntry } from './tar-reader.ts';
import { TarError } from './tar-error.ts';

export interface ExtractOptions {
  /** where each entry goes, as path components under the destination (default: its own name); [] is the destination itself */
  place?(parts: string[]): string[];
}

export interface ExtractReport {
  files: number;
  directories: number;
  links: number;
  bytes: number;
}

const WRITE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

/** Extracts `source` under `destination` (which must exist); throws a TarError at the first entry it refuses. */
export async function extractTar(source: AsyncIterable<Uint8Array>, destination: string, options: ExtractOptions = {}): Promise<ExtractReport> {
  const root = await fs.realpath(destination);
  const place = options.place ?? ((parts: string[]) => parts);
  const report: ExtractReport = { files: 0, directories: 0, links: 0, bytes: 0 };
  for await (const entry of readTar(source)) {
    const parts = place(entryParts(entry.name));
    if (parts.length === 0) {
      if (entry.type !== 'directory') throw new TarError(`the tar entry "${show(entry.name)}" would replace the destination itself`);
      continue;
    }
    await makeParents(root, parts);
    const path = join(root, ...parts);
    switch (entry.type) {
      case 'directory':
        await makeDirectory(path, entry.name, entry.mode);
        report.directories++;
        break;
      case 'file':
        report.bytes += await writeFile(path, entry);
        report.files++;
        break;
      case 'symlink':
        if (!linkStaysInside(parts, entry.linkname, (at) => isSymlink(join(root, ...at)))) throw new TarError(`the tar entry "${show(entry.name)}" is a symlink to "${show(entry.linkname)}", outside the destination: refused`);
        await replace(path, entry.name);
        await fs.symlink(entry.linkname, path);
        report.links++;
        break;
      case 'hardlink': {
        const targetParts = place(entryParts(entry.linkname));
        await makeParents(root, targetParts);
        const target = join(root, ...targetParts);
        const stat = await fs.lstat(target).catch(() => undefined);
        if (!stat?.isFile()) throw new TarError(`the tar entry "${show(entry.name)}" is a hard link to "${show(entry.linkname)}", which is not a file extracted here: refused`);
        await replace(path, entry.name);
        await fs.link(target, path);
        report.links++;
        break;
      }
      default:
        throw new TarError(`the tar entry "${show(entry.name)}" is a ${entry.type === 'other' ? `type "${show(entry.typeflag)}" entry` : entry.type}: only files, directories and links are extracted`);
    }
  }
  return report;
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Creates the missing directories above `parts`, refusing any existing one that is a symlink or not a directory. */
async function makeParents(root: string, parts: string[]): Promise<void> {
  let path = root;
  for (const part of parts.slice(0, -1)) {
    path = join(path, part);
    const stat = await fs.lstat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!stat) await fs.mkdir(path, { mode: 0o755 });
    else if (stat.isSymbolicLink()) throw new TarError(`a tar entry would be written through the symlink "${show(path.slice(root.length + 1))}": refused`);
    else if (!stat.isDirectory()) throw new TarError(`a tar entry would be written inside "${show(path.slice(root.length + 1))}", which is not a directory: refused`);
  }
}

async function makeDirectory(path: string, name: string, mode: number): Promise<void> {
  const stat = await fs.lstat(path).catch(() => undefined);
  if (stat?.isDirectory()) return;
  if (stat) throw new TarError(`the tar entry "${show(name)}" is a directory where ${stat.isSymbolicLink() ? 'a symlink' : 'a file'} already is: refused`);
  // the owner can always write into what is extracted, whatever the stream says
  await fs.mkdir(path, { mode: (mode & 0o777) | 0o700 });
}

/** Writes a file's data; O_NOFOLLOW: an existing symlink at its place fails instead of being written through. */
async function writeFile(path: string, entry: TarEntry): Promise<number> {
  const existing = await fs.lstat(path).catch(() => undefined);
  if (existing && !existing.isFile()) throw new TarError(`the tar entry "${show(entry.name)}" would replace ${existing.isSymbolicLink() ? 'a symlink (writing through it is refused)' : 'a directory'}`);
  const file = await fs.open(path, WRITE_NEW, (entry.mode & 0o777) | 0o600);
  let bytes = 0;
  try {
    for await (const chunk of entry.body) {
      await file.write(chunk);
      bytes += chunk.length;
    }
    await file.chmod((entry.mode & 0o777) | 0o600);
  } finally {
    await file.close();
  }
  return bytes;
}

/** Makes room for a link: an existing file or link is removed, a directory refused. */
async function replace(path: string, name: string): Promise<void> {
  const stat = await fs.lstat(path).catch(() => undefined);
  if (!stat) return;
  if (stat.isDirectory()) throw new TarError(`the tar entry "${show(name)}" is a link where a directory already is: refused`);
  await fs.unlink(path);
}

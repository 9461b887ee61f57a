// Extracts a tar stream into a local directory without letting it reach outside: names are
// checked (entry-names.ts), no entry is written through a symlink that is already there (the
// trick behind CVE-2019-1002101, CVE-2019-11246 and CVE-2019-11251: plant a link, then write
// "link/file"), symlinks and hard links must point inside, and devices and fifos are refused.
// Files are written as their data arrives (memory stays flat), without the setuid/setgid bits,
// each into a part file beside its place, put in its place only once its data came whole: a cut
// stream leaves no short file under a real name, and an earlier copy there as it was. The first
// refused entry stops the extraction: what came whole before it is inside the destination.
import { lstatSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { entryParts, linkStaysInside, show } from './entry-names.ts';
import { clearPart, partFile, putInPlace, removePart, saidOfTarget, WRITE_NEW, type PartIdentity } from './part-file.ts';
import { readTar, type TarEntry } from './tar-reader.ts';
import { TarError } from './tar-error.ts';

export interface ExtractOptions {
  /** where each entry goes, as path components under the destination (default: its own name); [] is the destination itself */
  place?(parts: string[]): string[];
  /** the part file being written is in here while it is: a caller stopped by a signal removes it (no `finally` runs then) */
  parts?: Set<string>;
}

export interface ExtractReport {
  files: number;
  directories: number;
  links: number;
  bytes: number;
}


/** Extracts `source` under `destination` (which must exist); throws a TarError at the first entry it refuses. */
export async function extractTar(source: AsyncIterable<Uint8Array>, destination: string, options: ExtractOptions = {}): Promise<ExtractReport> {
  const root = await fs.realpath(destination);
  const place = options.place ?? ((parts: string[]) => parts);
  const report: ExtractReport = { files: 0, directories: 0, links: 0, bytes: 0 };
  for await (const entry of readTar(source)) {
    if (entry.notUtf8) throw new TarError(`the tar entry "${show(entry.name)}" has a name or link target that is not UTF-8: it cannot be written under its own name, so it is refused`);
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
        report.bytes += await writeFile(path, entry, options.parts ?? new Set());
        report.files++;
        break;
      case 'symlink':
        if (!linkStaysInside(parts, entry.linkname, (at) => throughSymlink(root, at))) throw new TarError(`the tar entry "${show(entry.name)}" is a symlink to "${show(entry.linkname)}", outside the destination: refused`);
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

/** Whether `parts` under `root`, or one of its leading parts, is a symlink on disk. */
function throughSymlink(root: string, parts: string[]): boolean {
  let path = root;
  for (const part of parts) {
    path = `${path}/${part}`; // parts are plain names (entryParts): join() would only clean the whole path again for each
    try {
      if (lstatSync(path).isSymbolicLink()) return true;
    } catch {
      return false;
    }
  }
  return false;
}

/** Creates the missing directories above `parts`, refusing any existing one that is a symlink or not a directory. */
async function makeParents(root: string, parts: string[]): Promise<void> {
  let path = root;
  for (const part of parts.slice(0, -1)) {
    path = `${path}/${part}`;
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

/**
 * Writes a file's data into its part file (`parts` holds it meanwhile), renamed into `path` once
 * the data ended whole; on any error the part goes and `path` stays as it was. A part left there
 * (a copy killed outright) is replaced: unlink takes a file or a symlink, never a directory.
 */
async function writeFile(path: string, entry: TarEntry, parts: Set<string>): Promise<number> {
  const existing = await fs.lstat(path).catch(() => undefined);
  if (existing && !existing.isFile()) throw new TarError(`the tar entry "${show(entry.name)}" would replace ${existing.isSymbolicLink() ? 'a symlink (writing through it is refused)' : 'a directory'}`);
  const part = partFile(path);
  await clearPart(part);
  // in `parts` before it exists: a Ctrl-C the moment open has made it, before its promise is
  // taken up, removes it too
  parts.add(part);
  let bytes = 0;
  /** the part this copy made: another copy of the same file may clear its name and write its own there */
  let ours: PartIdentity | undefined;
  try {
    const file = await fs.open(part, WRITE_NEW, (entry.mode & 0o777) | 0o600);
    try {
      ours = await file.stat();
      for await (const chunk of entry.body) {
        await file.write(chunk);
        bytes += chunk.length;
      }
      await file.chmod((entry.mode & 0o777) | 0o600);
    } finally {
      await file.close();
    }
    await putInPlace(part, ours, path);
  } catch (error) {
    // (had fstat failed, the part stays for the next copy to clear)
    if (ours) await removePart(part, ours);
    throw saidOfTarget(error, part, path);
  } finally {
    parts.delete(part);
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

// A tar stream from someone not trusted (a container's tar, a client's upload), re-read as entries
// fit to write out again: a name that is absolute, climbs out with "..", or is longer than any
// path stops the stream (it is lying); what cannot be carried safely — symlinks that point outside,
// hard links, devices, fifos, names that are not UTF-8 — is left out and counted. `root` is the one
// top-level name every entry must be under.
import { entryParts, linkStaysInside, show } from './entry-names.ts';
import { LinkNames } from './link-names.ts';
import type { TarEntry } from './tar-reader.ts';
import type { WriteEntry } from './tar-writer.ts';
import { TarError } from './tar-error.ts';

export interface CheckedCount {
  skipped: number;
}

export async function* checkedEntries(entries: AsyncIterable<TarEntry>, count: CheckedCount, root?: string): AsyncGenerator<WriteEntry> {
  /** the symlinks passed on so far: nothing may go through one of them (its real place is not its name's) */
  const links = new LinkNames();
  for await (const entry of entries) {
    const parts = entryParts(entry.name);
    if (root !== undefined && parts[0] !== root) throw new TarError(`the tar stream has "${show(entry.name)}", which is not under "${show(root)}": it is not the tar that was asked for`);
    if (parts.length === 0) continue;
    if (links.through(parts.slice(0, -1))) throw new TarError(`the tar entry "${show(entry.name)}" goes through a symlink sent earlier in the same stream: it is lying`);
    // no text carries such a name: read loosely, "caf\xe9" and "caf\xe8" would both be "caf\uFFFD", the second written over the first
    if (entry.notUtf8) {
      count.skipped++;
      continue;
    }
    const name = parts.join('/');
    const base = { name, mode: entry.mode & 0o777, mtime: entry.mtime };
    if (entry.type === 'file') yield { ...base, type: 'file', size: entry.size, body: entry.body };
    else if (entry.type === 'directory') yield { ...base, type: 'directory' };
    else if (entry.type === 'symlink' && linkStaysInside(root === undefined ? parts : parts.slice(1), entry.linkname, (at) => links.through(root === undefined ? at : [root, ...at]))) {
      links.add(parts);
      yield { ...base, type: 'symlink', linkname: entry.linkname };
    } else count.skipped++;
  }
}

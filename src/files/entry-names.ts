// Where a tar entry may go: the tar-slip checks (kubectl cp's CVE-2018-1002100, CVE-2019-1002101
// and their follow-ups). An entry name must be relative and stay inside once read; a symlink's
// target must stay inside too, read from the link's own directory. Both are checked on the names
// alone, before anything touches a disk; safe-extract.ts adds the checks that need the disk.
import { TarError } from './tar-error.ts';

/** An entry name as its path components: "./a//b/" → ["a", "b"]; throws for absolute names and "..". */
export function entryParts(name: string): string[] {
  if (name.startsWith('/')) throw new TarError(`the tar entry "${show(name)}" has an absolute name: it could land anywhere, so nothing is extracted from this stream`);
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw new TarError(`the tar entry "${show(name)}" climbs out with "..": nothing is extracted from this stream`);
  return parts;
}

/**
 * Whether a symlink at `linkParts` (its own path's components) pointing to `target` resolves
 * inside the root, read on the names alone. A target whose way passes through another symlink
 * (`isLink`) cannot be read that way — "y -> ." then "x -> y/z/../.." looks inside and is not
 * (CVE-2019-11251's chain) — so it does not count as inside. Nor does a ".." after a name: that
 * name may become a symlink later in the stream ("x -> y/.." then "y -> ."), so only leading ".."
 * parts, which climb the link's own known directories, are read.
 */
export function linkStaysInside(linkParts: string[], target: string, isLink: (parts: string[]) => boolean = () => false): boolean {
  if (target === '' || target.startsWith('/')) return false;
  const at = linkParts.slice(0, -1);
  if (at.some((_, i) => isLink(at.slice(0, i + 1)))) return false;
  let named = false;
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (at.length === 0 || named) return false;
      at.pop();
    } else {
      named = true;
      at.push(part);
      if (isLink(at)) return false;
    }
  }
  return true;
}

/** A name as it may appear in a message: bounded, control characters shown as "?". */
export function show(name: string): string {
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 160 ? `${clean.slice(0, 160)}…` : clean;
}

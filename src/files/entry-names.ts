// Where a tar entry may go: the tar-slip checks (kubectl cp's CVE-2018-1002100, CVE-2019-1002101
// and their follow-ups). An entry name must be relative and stay inside once read; a symlink's
// target must stay inside too, read from the link's own directory. Both are checked on the names
// alone, before anything touches a disk; safe-extract.ts adds the checks that need the disk.
import { TarError } from './tar-error.ts';

/** Linux's longest path, in bytes: no name longer can be written out, and one of 64 KiB costs time to check */
export const PATH_MAX = 4096;

/** An entry name as its path components: "./a//b/" → ["a", "b"]; throws for absolute names, "..", and names longer than PATH_MAX. */
export function entryParts(name: string): string[] {
  const bytes = Buffer.byteLength(name);
  if (bytes > PATH_MAX) throw new TarError(`the tar entry "${show(name)}" has a name of ${bytes} bytes: longer than any path may be (PATH_MAX, ${PATH_MAX} bytes), so the stream is refused`);
  if (name.startsWith('/')) throw new TarError(`the tar entry "${show(name)}" has an absolute name: it could land anywhere, so nothing is extracted from this stream`);
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw new TarError(`the tar entry "${show(name)}" climbs out with "..": nothing is extracted from this stream`);
  return parts;
}

/**
 * Whether a symlink at `linkParts` (its own path's components) pointing to `target` resolves
 * inside the root, read on the names alone. A target whose way passes through another symlink
 * (`throughLink`: whether a path or one of its leading parts is one) cannot be read that way —
 * "y -> ." then "x -> y/z/../.." looks inside and is not (CVE-2019-11251's chain) — so it does
 * not count as inside. Nor does a ".." after a name: that name may become a symlink later in the
 * stream ("x -> y/.." then "y -> ."), so only leading ".." parts, which climb the link's own
 * known directories, are read.
 */
export function linkStaysInside(linkParts: string[], target: string, throughLink: (parts: string[]) => boolean = () => false): boolean {
  if (target === '' || target.startsWith('/')) return false;
  const at = linkParts.slice(0, -1);
  if (throughLink(at)) return false;
  let named = false;
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (at.length === 0 || named) return false;
      at.pop();
    } else {
      named = true;
      at.push(part);
    }
  }
  // the ".." parts only climbed the link's own directories, checked above: the way down is the target's named parts
  return !named || !throughLink(at);
}

/** A name as it may appear in a message: bounded, control characters shown as "?". */
export function show(name: string): string {
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 160 ? `${clean.slice(0, 160)}…` : clean;
}

/** The longest start of `text` that is at most `maxBytes` of UTF-8, cut on a character boundary. */
export function utf8Prefix(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // a continuation byte (10xxxxxx) at the cut: its character starts before it, and goes whole or not at all
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

// What the server's safe reading of a tar left out of a copy (src/files/checked-entries.ts:
// symlinks that point outside what is copied, hard links, devices, fifos, names that are not
// UTF-8): said on stderr, as kubectl cp says a symlink it skips. The copy of everything else stands.
import process from 'node:process';

export function tellLeftOut(count: number): void {
  if (count > 0) process.stderr.write(`octant-exec cp: left out ${count} ${count === 1 ? 'entry' : 'entries'} that cannot be carried safely: symlinks that point outside what is copied, hard links, devices, fifos, or names that are not UTF-8\n`);
}

// What the server's safe reading of a tar left out of a copy (src/files/checked-entries.ts:
// symlinks that point outside what is copied, hard links, devices, fifos, names that are not
// UTF-8): said on stderr, as kubectl cp says a symlink it skips. The copy of everything else stands.
// So are a folder's files the container's tar found removed before it read them (a spool's files
// that come and go): the copy is the folder as it was without them.
import process from 'node:process';
import type { ChangedFiles } from '../../protocol/download-outcome.ts';
import { serverText } from '../server/server-client.ts';

export function tellLeftOut(count: number): void {
  if (count > 0) process.stderr.write(`octant-exec cp: left out ${count} ${count === 1 ? 'entry' : 'entries'} that cannot be carried safely: symlinks that point outside what is copied, hard links, devices, fifos, or names that are not UTF-8\n`);
}

/** `removed`: named under the downloaded path's folder, as tar named them */
export function tellRemoved(removed: ChangedFiles | undefined, remotePath: string): void {
  if (!removed) return;
  const folder = remotePath.replace(/\/[^/]*$/, '') || '/';
  const names = removed.names.map((name) => serverText(`${folder === '/' ? '' : folder}/${name}`));
  const more = removed.count - names.length;
  const listed = names.length > 0 ? `: ${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}` : '';
  process.stderr.write(`octant-exec cp: ${removed.count} ${removed.count === 1 ? 'file was' : 'files were'} removed in the container while tar read the folder, and ${removed.count === 1 ? 'is' : 'are'} not in the copy${listed}\n`);
}

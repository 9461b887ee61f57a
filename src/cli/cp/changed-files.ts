// Files that changed while they were copied (a log still written to, a file rewritten in place):
// the copy holds what was read, each file as long as it was when the copy began, which may be cut
// short or mix two versions. As GNU tar does, the copy is made, each such file said on stderr, and
// the exit status is its own (GNU tar's 1, "some files differ", is cp's failure: CHANGED_STATUS).
import process from 'node:process';
import { serverText } from '../server/server-client.ts';

export const CHANGED_STATUS = 3;

export interface ChangedCopy {
  /** how many files changed */
  count: number;
  /** the first of them (all, for an upload), as this machine or the container names them */
  names: string[];
  /** what read them: the container's tar (a download), or cp itself (an upload) */
  readBy: 'tar' | 'cp';
}

export function tellChanged({ count, names, readBy }: ChangedCopy): void {
  const what = readBy === 'tar' ? 'what tar read' : 'what was read of it';
  for (const name of names) process.stderr.write(`octant-exec cp: ${serverText(name)} changed while it was copied: the copy holds ${what}, which may be cut short or mix two versions\n`);
  const more = count - names.length;
  if (more > 0) process.stderr.write(`octant-exec cp: ${names.length > 0 ? `${more} more ${more === 1 ? 'file' : 'files'}` : `${more} ${more === 1 ? 'file' : 'files'}`} changed while ${more === 1 ? 'it was' : 'they were'} copied: the copy holds ${readBy === 'tar' ? 'what tar read' : 'what was read of them'}, which may be cut short or mix two versions\n`);
}

// A file coming out of a container is written beside its place, into a part file, and renamed in
// only once its data came whole: a cut or failed copy leaves no short file under a real name, and
// an earlier copy there as it was. Used for a folder's files (safe-extract.ts) and a single file
// (`octant-exec cp`, src/cli/cp/cp-command.ts).
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { utf8Prefix } from './entry-names.ts';

/** How a part is opened: always made new, never written through a symlink or into a file the stream planted there. */
export const WRITE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Removes what is at `part` before it is made anew (a part left by a copy killed outright, or a link planted there): unlink takes a file or a symlink, never a directory. */
export async function clearPart(part: string): Promise<void> {
  await fs.unlink(part).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

const SUFFIX = '.octant-exec-part';
/** the longest file name most file systems take (NAME_MAX), in bytes: a part's must fit too */
const NAME_MAX = 255;

/** Where `path` is written until whole: beside it, hidden, named after it (cut, when that name is long). */
export const partFile = (path: string): string => join(dirname(path), `.${utf8Prefix(basename(path), NAME_MAX - SUFFIX.length - 1)}${SUFFIX}`);

/** The file a copy made at a part's name (its device and inode): the name may come to hold another copy's part. */
export interface PartIdentity {
  dev: number;
  ino: number;
}

const isOurs = async (part: string, ours: PartIdentity) => {
  const now = await fs.lstat(part).catch(() => undefined);
  return now !== undefined && now.dev === ours.dev && now.ino === ours.ino;
};

/** Parts under their taking names this moment (putInPlace): a Ctrl-C removes them too (parts-on-signal.ts). */
export const takingNow = new Set<string>();

/**
 * Puts the part `ours` in `target`'s place. Another copy of the same file started meanwhile (two
 * `octant-exec cp` side by side) cleared the part's name to write its own there: renaming that one,
 * unfinished, would put a short file under the real name. So the part is first moved to a name
 * only this copy knows, and checked there (a check at the shared name, then a rename, leaves a
 * moment for the other copy to step in between): another's goes back, and this copy stops.
 */
export async function putInPlace(part: string, ours: PartIdentity, target: string): Promise<void> {
  const busy = () => Object.assign(new Error(`another copy to ${target} started while this one ran and took its part file: this copy stopped, and that one puts its own there once whole`), { code: 'EBUSY', syscall: 'rename', path: target });
  const taken = join(dirname(part), `.octant-exec-taking-${randomBytes(8).toString('hex')}`);
  takingNow.add(taken);
  try {
    await fs.rename(part, taken).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? busy() : error;
    });
    if (!(await isOurs(taken, ours))) {
      // another copy's part: back under its name (by a rename where hard links are refused), unless that copy made a new one there
      await fs.link(taken, part).then(
        () => fs.unlink(taken),
        (error: NodeJS.ErrnoException) => (error.code === 'EEXIST' ? fs.unlink(taken) : fs.rename(taken, part)),
      );
      throw busy();
    }
    await fs.rename(taken, target).catch(async (error: unknown) => {
      await fs.unlink(taken).catch(() => {}); // ours, and failed: nothing is left under a name nobody knows
      throw saidOfTarget(error, taken, target);
    });
  } finally {
    takingNow.delete(taken);
  }
}

/** Removes the part `ours` after a failure; another copy's part at its name stays (that copy is still writing it). */
export async function removePart(part: string, ours: PartIdentity): Promise<void> {
  if (await isOurs(part, ours)) await fs.rm(part, { force: true });
}

/** An error about `part`, said of `target`, the file it stands for: the user never named the part. */
export function saidOfTarget(error: unknown, part: string, target: string): unknown {
  const failed = error as NodeJS.ErrnoException;
  if (failed?.path === part) {
    failed.message = failed.message.replace(part, target);
    failed.path = target;
  }
  return error;
}

// Folders a user names on the command line (a state directory, a download's destination, Octant's
// plugin folder), made with the ones above them they need, one at a time: Node's recursive mkdir
// never returns where mkdir says ENOENT under a folder that is there (`/proc/x` spun at full CPU
// for good), and a mistyped path must be an error, not a hang.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Makes `path` and the missing folders above it (`mode` for each, as mkdir takes it), or throws mkdir's error (ENOTDIR for a file there). */
export function makeFolders(path: string, mode?: number): void {
  const missing: string[] = [];
  for (let dir = resolve(path); !existsSync(dir) && dirname(dir) !== dir; dir = dirname(dir)) missing.unshift(dir);
  for (const dir of missing) {
    try {
      mkdirSync(dir, mode === undefined ? {} : { mode });
    } catch (error) {
      // another command (a second download beside this one) made it meanwhile: it is there, as wanted
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw error;
    }
  }
  // a file where the folder should be: said as the system says it, naming it
  if (missing.length === 0 && !statSync(path).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), { code: 'ENOTDIR', syscall: 'mkdir', path });
}

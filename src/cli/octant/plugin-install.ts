// The plugin file in a plugin folder: written and removed only when it is octant-exec's own (its
// first line says so), never through a symbolic link: a link there is refused, the new file is
// created under a fresh name (O_EXCL does not follow links) and renamed over the old entry, and
// removing unlinks the entry itself.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { join } from 'node:path';
import process from 'node:process';
import { makeFolders } from '../make-folders.ts';

export const PLUGIN_FILE = 'octant-exec.js';
const MARKER = '// octant-exec plugin for Octant, written by `octant-exec octant install`';

export class ForeignFile extends Error {}

/** Writes the plugin (replacing octant-exec's own file); true when one was there before. */
export function installPlugin(dir: string, plugin: string, version: string): { path: string; replaced: boolean } {
  makeFolders(dir, 0o700);
  const path = join(dir, PLUGIN_FILE);
  const replaced = checkOurs(path, 'replace');
  const temp = join(dir, `.${PLUGIN_FILE}.${process.pid}.tmp`);
  rmSync(temp, { force: true }); // what a killed install left (a link there is removed, not followed)
  // 0644 at most (the umask may take more away): Octant reads it, only this user may change it
  const fd = openSync(temp, 'wx', 0o644);
  try {
    writeSync(fd, `${MARKER} (octant-exec ${version}); \`octant-exec octant uninstall\` removes it.\n${plugin}`);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  return { path, replaced };
}

/** Removes the plugin octant-exec wrote; false when there was none. */
export function uninstallPlugin(dir: string): { path: string; removed: boolean } {
  const path = join(dir, PLUGIN_FILE);
  const removed = checkOurs(path, 'remove');
  if (removed) unlinkSync(path);
  return { path, removed };
}

/** False when nothing is at `path`, true when octant-exec's plugin is; throws ForeignFile for anything else. */
function checkOurs(path: string, verb: string): boolean {
  const refuse = (why: string) => new ForeignFile(`refusing to ${verb} ${path}: ${why}, so octant-exec did not write it. Move it away, or use another folder with --dir.`);
  let stat;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  if (stat.isSymbolicLink()) throw refuse('it is a symbolic link');
  // O_NOFOLLOW: a link put there since the lstat is refused by the kernel too
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    if (!fstatSync(fd).isFile()) throw refuse('it is not a regular file');
    const head = Buffer.alloc(MARKER.length);
    const read = readSync(fd, head, 0, head.length, 0);
    if (head.subarray(0, read).toString('utf8') !== MARKER) throw refuse('its first line is not the one octant-exec writes');
  } finally {
    closeSync(fd);
  }
  return true;
}

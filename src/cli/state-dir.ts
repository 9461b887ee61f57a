// Where octant-exec keeps its state (the event log, the sandbox's files) unless told otherwise.
import { accessSync, constants } from 'node:fs';
import process from 'node:process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { makeFolders } from './make-folders.ts';

export function defaultStateDir(env: Record<string, string | undefined> = process.env): string {
  return join(env.XDG_STATE_HOME || join(env.HOME ?? homedir(), '.local', 'state'), 'octant-exec');
}

/** Makes a state directory given on the command line (mode 0700), or says why it cannot be made or written in. */
export function makeStateDir(path: string): void {
  try {
    makeFolders(path, 0o700);
  } catch (error) {
    throw new Error(`the state directory ${path} cannot be made (${(error as Error).message}): give a --state-dir where you may write`);
  }
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
  } catch (error) {
    // there, but another user's: said before anything is made inside it, not as the first mkdir's EACCES
    throw new Error(`the state directory ${path} is there but this user may not write in it (${(error as NodeJS.ErrnoException).code}): run as its owner, or give a --state-dir where you may write`);
  }
}

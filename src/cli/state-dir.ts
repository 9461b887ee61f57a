// Where octant-exec keeps its state (the event log, the sandbox's files) unless told otherwise.
import process from 'node:process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export function defaultStateDir(env: Record<string, string | undefined> = process.env): string {
  return join(env.XDG_STATE_HOME || join(env.HOME ?? homedir(), '.local', 'state'), 'octant-exec');
}

/**
 * Makes a state directory given on the command line, and the folders above it it needs, one at a
 * time (mode 0700): Node's recursive mkdir never returns where mkdir says ENOENT under a folder that
 * is there (`--state-dir /proc/x` spun at full CPU), and a mistyped path must be an error, not a hang.
 */
export function makeStateDir(path: string): void {
  const missing: string[] = [];
  for (let dir = resolve(path); !existsSync(dir) && dirname(dir) !== dir; dir = dirname(dir)) missing.unshift(dir);
  try {
    for (const dir of missing) mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    throw new Error(`the state directory ${path} cannot be made (${(error as Error).message}): give a --state-dir where you may write`);
  }
}

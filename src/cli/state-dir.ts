// Where octant-exec keeps its state (the event log, the sandbox's files) unless told otherwise.
import process from 'node:process';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultStateDir(env: Record<string, string | undefined> = process.env): string {
  return join(env.XDG_STATE_HOME || join(env.HOME ?? homedir(), '.local', 'state'), 'octant-exec');
}

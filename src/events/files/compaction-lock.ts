// One compaction at a time per state directory, whether the server or `octant-exec log compact`
// runs it: a lock file made exclusively, holding the holder's pid. A lock whose holder died (a
// SIGKILL) is taken over, also when a new process got the same pid (pid 1 in a container).
import process from 'node:process';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/** locks this process holds */
const held = new Set<string>();

/** Takes the lock, or says who holds it. */
export function takeLock(path: string): { release(): void } | { heldBy: string } {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(path);
      return {
        release: () => {
          held.delete(path);
          rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readHolder(path));
    const mine = holder === process.pid;
    if (mine ? held.has(path) : holder > 0 && alive(holder)) return { heldBy: mine ? 'this process' : `process ${holder}` };
    rmSync(path, { force: true }); // its holder is gone
  }
  return { heldBy: 'another compaction that keeps taking it' };
}

function readHolder(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

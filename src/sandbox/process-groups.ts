// Every exec runs in a process group of its own (a new session, as a container exec would);
// this registry ends whole groups and answers which of them still have members.
import process from 'node:process';

export class ProcessGroups {
  private readonly started = new Set<number>();

  add(pgid: number): void {
    this.started.add(pgid);
  }

  /** Groups started by this sandbox that still have at least one process. */
  live(): number[] {
    for (const pgid of this.started) if (!isGroupAlive(pgid)) this.started.delete(pgid);
    return [...this.started];
  }

  killAll(): void {
    for (const pgid of this.started) killGroup(pgid);
  }
}

export function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends a signal to every process of the group; a group that is already gone is fine. */
export function killGroup(pgid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left to end
  }
}

// Every exec runs in a session of its own (setsid, as a container exec does), led by the process
// the sandbox started; the leader's pid names the session and its first process group. This
// registry remembers the execs started, ends them and says which groups still have a member.
//
// A group is not enough to end a terminal's exec: an interactive shell puts each job in a group
// of its own, and those groups outlive the leader. They keep the terminal as their controlling
// terminal, though (only setsid, a daemon's choice, lets it go), so ending a terminal's exec means
// every process on that terminal.
import { readdirSync, readFileSync } from 'node:fs';
import process from 'node:process';

/** SIGKILL can take a moment to land on a forking process: look again this many times. */
const END_PASSES = 5;

/** What the registry needs of a started exec (running-process.ts). */
interface Started {
  readonly pgid: number;
  readonly exited: Promise<number>;
  end(): void;
}

/** How long endAll waits for the processes it ended to be reaped. */
const END_ALL_WAIT_MS = 5_000;

export class ExecProcesses {
  private readonly started = new Set<Started>();

  add(exec: Started): void {
    this.started.add(exec);
    // Let go of it once it has ended: held, every exec a server's sandbox ever ran stayed in
    // memory with its process and channels (about 500 KiB each). A group its leader left behind
    // (a shell's background job) is kept until live() or endAll() finds it gone.
    void exec.exited.then(() => {
      if (!isGroupAlive(exec.pgid)) this.started.delete(exec);
    });
  }

  /** Process groups of execs started here that still have a process. */
  live(): number[] {
    for (const exec of this.started) if (!isGroupAlive(exec.pgid)) this.started.delete(exec);
    return [...this.started].map((exec) => exec.pgid);
  }

  /** Ends every exec and resolves once each has been reaped (or after a few seconds at most). */
  async endAll(): Promise<void> {
    for (const exec of this.started) exec.end();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled([...this.started].map((exec) => exec.exited)),
      new Promise((resolve) => (timer = setTimeout(resolve, END_ALL_WAIT_MS))),
    ]);
    clearTimeout(timer);
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

/**
 * Ends every process whose controlling terminal is `tty` (its device number, as stat's rdev):
 * the exec's session, job-control groups included, wherever its leader is.
 */
export function endTerminal(tty: number): void {
  for (let pass = 0; pass < END_PASSES; pass++) {
    const members = processesOnTerminal(tty);
    if (members.length === 0) return;
    for (const pid of members) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone in between
      }
    }
  }
}

/** Live (not zombie) processes with `tty` as their controlling terminal, read from /proc. */
function processesOnTerminal(tty: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'latin1');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp session tty_nr …": comm may hold spaces and parentheses.
    const [state, , , , ttyNr] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ttyNr) === tty && state !== 'Z') members.push(Number(name));
  }
  return members;
}

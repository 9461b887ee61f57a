// Locks on a state directory: the writer of the log (one process appends and snapshots), and
// compaction (one at a time, whether the server or `octant-exec log compact` runs it). A lock is
// a symbolic link whose target names its holder (`pid:start`): made in one step or not at all
// (EEXIST when held), so it is never seen half written, and it needs no data block (a full disk
// can still take one). A lock whose holder died (a SIGKILL) is taken over; the start time tells
// a holder from a later process that got the same pid (pid 1 in a container). Two processes may
// find the same dead holder at once: the takeover is itself claimed the same way, so only one of
// them removes the dead lock, and only while it is still a dead holder's.
import process from 'node:process';
import { readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { resolve } from 'node:path';

export interface Lock {
  release(): void;
}

interface Holder {
  pid: number;
  /** the process's start (clock ticks after boot, /proc/PID/stat), where the platform tells it */
  start?: string;
}

const CLAIM_SUFFIX = '.takeover';
/** locks this process holds, and how many takers in it share each */
const held = new Map<string, number>();
const myStart = startOf(process.pid);
const me: Holder = { pid: process.pid, ...(myStart ? { start: myStart } : {}) };

/**
 * Takes the lock at `path`, or says who holds it (`process 1234`). `shared`: every taker in this
 * process shares it, and it goes with the last release (the writer: a test reopens a directory
 * in-process as after a crash); otherwise a second taker in this process is refused too.
 */
export function takeLock(file: string, { shared = false } = {}): Lock | { heldBy: string } {
  const path = resolve(file); // one key in `held` however the state directory was named
  for (let attempt = 0; attempt < 3; attempt++) {
    if (create(path)) return hold(path);
    const holder = readHolder(path);
    if (holder === 'gone') continue;
    if (holder !== 'dead' && holder.pid === process.pid && held.has(path)) return shared ? hold(path) : { heldBy: 'this process' };
    if (!abandoned(holder)) return { heldBy: `process ${(holder as Holder).pid}` };
    takeOver(path);
  }
  return { heldBy: 'a process taking it over this moment' };
}

function hold(path: string): Lock {
  held.set(path, (held.get(path) ?? 0) + 1);
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      const left = held.get(path)! - 1;
      if (left > 0) return void held.set(path, left);
      held.delete(path);
      rmSync(path, { force: true });
    },
  };
}

/** Makes the lock with this process in it; false when there already is one. */
function create(path: string): boolean {
  try {
    symlinkSync(`${me.pid}:${me.start ?? ''}`, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Removes a dead holder's lock, unless another process is taking it over right now. */
function takeOver(path: string): void {
  const claim = path + CLAIM_SUFFIX;
  if (!create(claim)) {
    if (abandoned(readHolder(claim))) rmSync(claim, { force: true }); // its claimant died while taking over
    return;
  }
  try {
    // Under the claim nobody else removes it: it goes only if it is still a dead holder's.
    if (abandoned(readHolder(path))) rmSync(path, { force: true });
  } finally {
    rmSync(claim, { force: true });
  }
}

function readHolder(path: string): Holder | 'dead' | 'gone' {
  let text: string;
  try {
    text = readlinkSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'gone';
    if (code !== 'EINVAL') throw error;
    text = readText(path); // a plain file holding a pid: a compact.lock from before locks were links
  }
  const match = /^(\d+)(?::(\d*))?$/.exec(text.trim());
  if (!match) return 'dead'; // damaged: nobody can be holding it
  return { pid: Number(match[1]), ...(match[2] ? { start: match[2] } : {}) };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** Whether a lock was left by a process that is gone (one already removed is not). */
function abandoned(holder: ReturnType<typeof readHolder>): boolean {
  if (holder === 'gone') return false;
  // This process knows its own locks (`held`): its pid in a file it does not hold is an earlier process's.
  if (holder === 'dead' || holder.pid <= 0 || holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return true;
  }
  const start = holder.start && startOf(holder.pid);
  return !!start && start !== holder.start; // the pid was given to a later process
}

/** When process `pid` started, in clock ticks after boot (field 22 of /proc/PID/stat); undefined where there is no /proc. */
function startOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

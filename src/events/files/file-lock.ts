// Locks on a state directory: the writer of the log (one process appends and snapshots), and
// compaction (one at a time, whether the server or `octant-exec log compact` runs it). A lock is
// a symbolic link whose target names its holder (`pid:start:host`): made in one step or not at all
// (EEXIST when held), so it is never seen half written, and it needs no data block (a full disk
// can still take one). A lock whose holder died (a SIGKILL) is taken over; the start time tells
// a holder from a later process that got the same pid (pid 1 in a container). Two processes may
// find the same dead holder at once: the takeover is itself claimed the same way, so only one of
// them removes the dead lock, and only while it is still a dead holder's.
//
// A pid means something only where it was given. Two pods on one node may share a volume, each
// with its server as pid 1: the second took the first one's live lock for its own earlier one's,
// and both wrote the log. So a lock names its holder's host (a pod's own name), and a holder on
// another host, whose life cannot be asked after, holds the lock for as long as it shows it is
// alive: it touches the lock every REFRESH_MS, and one untouched for STALE_MS is taken over.
import process from 'node:process';
import { hostname } from 'node:os';
import { lstatSync, lutimesSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { resolve } from 'node:path';

export interface Lock {
  release(): void;
}

interface Holder {
  pid: number;
  /** the process's start (clock ticks after boot, /proc/PID/stat), where the platform tells it */
  start?: string;
  /** the host its pid is on (absent in a lock made before hosts were named: taken as this one) */
  host?: string;
}

/** how often a holder shows it is alive, and how long a lock from another host lasts without that */
export const REFRESH_MS = 10_000;
export const STALE_MS = 60_000;
const CLAIM_SUFFIX = '.takeover';
/** locks this process holds: how many takers in it share each, and the timer that keeps it fresh */
const held = new Map<string, { takers: number; refresh: ReturnType<typeof setInterval> }>();
const myStart = startOf(process.pid);
const myHost = hostname().replace(/[^A-Za-z0-9_.-]/g, '_');
const me: Holder = { pid: process.pid, ...(myStart ? { start: myStart } : {}), host: myHost };

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
    if (!abandoned(path, holder)) return { heldBy: named(holder as Holder) };
    takeOver(path);
  }
  return { heldBy: 'a process taking it over this moment' };
}

function named(holder: Holder): string {
  return holder.host && holder.host !== myHost ? `process ${holder.pid} on host ${holder.host}` : `process ${holder.pid}`;
}

function hold(path: string): Lock {
  const mine = held.get(path);
  if (mine) mine.takers++;
  else held.set(path, { takers: 1, refresh: refreshing(path) });
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      const entry = held.get(path)!;
      if (--entry.takers > 0) return;
      clearInterval(entry.refresh);
      held.delete(path);
      rmSync(path, { force: true });
    },
  };
}

/** Touches the lock now and then, so that a process on another host sees its holder is alive. */
function refreshing(path: string): ReturnType<typeof setInterval> {
  const timer = setInterval(() => {
    const now = new Date();
    try {
      lutimesSync(path, now, now);
    } catch {
      // gone (removed by hand): nothing to keep fresh; the holder finds out at its next write
    }
  }, REFRESH_MS);
  (timer as { unref?: () => void }).unref?.(); // a lock never keeps the process up
  return timer;
}

/** Makes the lock with this process in it; false when there already is one. */
function create(path: string): boolean {
  try {
    symlinkSync(`${me.pid}:${me.start ?? ''}:${me.host}`, path);
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
    if (abandoned(claim, readHolder(claim))) rmSync(claim, { force: true }); // its claimant died while taking over
    return;
  }
  try {
    // Under the claim nobody else removes it: it goes only if it is still a dead holder's.
    if (abandoned(path, readHolder(path))) rmSync(path, { force: true });
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
  const match = /^(\d+)(?::(\d*)(?::([A-Za-z0-9_.-]+))?)?$/.exec(text.trim());
  if (!match) return 'dead'; // damaged: nobody can be holding it
  return { pid: Number(match[1]), ...(match[2] ? { start: match[2] } : {}), ...(match[3] ? { host: match[3] } : {}) };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** Whether the lock at `path` was left by a process that is gone (one already removed is not). */
function abandoned(path: string, holder: ReturnType<typeof readHolder>): boolean {
  if (holder === 'gone') return false;
  if (holder !== 'dead' && holder.host && holder.host !== myHost) return untouchedFor(path, STALE_MS);
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

function untouchedFor(path: string, ms: number): boolean {
  const touched = lstatSync(path, { throwIfNoEntry: false })?.mtimeMs;
  return touched === undefined || Date.now() - touched > ms;
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

// Locks on a state directory: the writer of the log (one process appends and snapshots), and
// compaction (one at a time, whether the server or `octant-exec log compact` runs it). A lock is
// a symbolic link whose target names its holder (`pid:start:host`): made in one step or not at all
// (EEXIST when held), so it is never seen half written, and it needs no data block (a full disk
// can still take one). A lock whose holder died (a SIGKILL) is taken over; the start time tells
// a holder from a later process that got the same pid (pid 1 in a container). Two processes may
// find the same dead holder at once: the takeover is itself claimed the same way, so only one of
// them removes the dead lock, and only while it is still a dead holder's.
//
// A pid means something only where it was given: in one PID namespace, on one boot of one host.
// Two pods on one node may share a volume, each with its server as pid 1: the second took the
// first one's live lock for its own earlier one's, and both wrote the log; so did two containers
// on one host given the same hostname (hostNetwork pods, --uts=host), where a pid from the other
// namespace looks dead or like one's own. So a lock names its holder's host (a pod's own name)
// and, on Linux, its PID namespace and boot (`host.pidns-N.boot-ID`: in the host's field, so that
// an octant-exec from before this reads it as another host's and waits, rather than as damaged).
// Only a holder in this process's own namespace and boot is asked after by its pid; any other
// (another host, namespace or boot, or a lock that does not say where its pid was given) holds
// the lock for as long as it shows it is alive: it touches the lock every REFRESH_MS, and one
// untouched for STALE_MS is taken over (an older build's lock: only if its pid does not show its
// very process alive here either).
//
// So a holder stopped for longer than that (SIGSTOP, a paused VM, a long synchronous replay) can
// lose its lock while it cannot know: before it writes, it asks stillHeld(), and once the lock
// names another process (or nobody) it writes nothing more, and its takers are told.
import process from 'node:process';
import { hostname } from 'node:os';
import { lstatSync, lutimesSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { resolve } from 'node:path';

export interface Lock {
  release(): void;
  /**
   * Whether the lock still names this process, keeping it fresh: false for good once another
   * process took it over, or it was removed (its takers' `lost` is told then). Asked before every
   * append, so it is cheap: a look at the disk is a readlink and a touch (on a shared volume, NFS,
   * a round trip each), made only once TRUSTED_MS have gone by since this process last touched the
   * lock. The refresh timer touches it every REFRESH_MS, so an append looks only after a pause or
   * a blocked event loop: just when the lock may have been taken over.
   */
  stillHeld(): boolean;
}

interface Holder {
  pid: number;
  /** the process's start (clock ticks after boot, /proc/PID/stat), where the platform tells it */
  start?: string;
  /** the host its pid is on (absent in a lock made before hosts were named: taken as this one) */
  host?: string;
  /** where its pid was given, `pidns-N.boot-ID` (absent: a lock from before, or no /proc to say) */
  space?: string;
}

interface Held {
  takers: number;
  refresh: ReturnType<typeof setInterval>;
  /** when this process last found the lock its own and touched it: Date.now() and performance.now() */
  touched: [number, number];
  /** each taker's, told who has the lock once this process has lost it */
  lost: Set<(heldBy: string) => void>;
  /** who has it, once this process has lost it */
  lostTo?: string;
  /** each taker's, told why the lock could not be touched (once, until a touch works again) */
  untouched: Set<(problem: string) => void>;
  /** whether the last touch failed (so a run of failures is told once) */
  touchFailing: boolean;
}

/** how often a holder shows it is alive, and how long a lock from another host lasts without that */
export const REFRESH_MS = 10_000;
export const STALE_MS = 60_000;
/**
 * How long after touching its lock a holder trusts that it is still its own without looking. No
 * other process takes it over before STALE_MS: this leaves 40 s for the other's clock to be ahead
 * of this one's (the lock's time is this one's). Both of this process's clocks must say so: a
 * pause one of them does not count (a monotonic clock stands still while a machine is suspended;
 * a wall clock can be set back) the other does.
 */
const TRUSTED_MS = 2 * REFRESH_MS;
const CLAIM_SUFFIX = '.takeover';
/** locks this process holds: how many takers in it share each, and the timer that keeps it fresh */
const held = new Map<string, Held>();
const myStart = startOf(process.pid);
const myHost = hostname().replace(/[^A-Za-z0-9_.-]/g, '_');
const mySpace = pidSpace();
/** what this process's locks say */
const myText = `${process.pid}:${myStart ?? ''}:${myHost}${mySpace ? `.${mySpace}` : ''}`;

/**
 * Takes the lock at `path`, or says who holds it (`process 1234`). `shared`: every taker in this
 * process shares it, and it goes with the last release (the writer: a test reopens a directory
 * in-process as after a crash); otherwise a second taker in this process is refused too. `lost`
 * is told, with who has it, once the lock turns out to be another's (see stillHeld); `untouched`,
 * why, when the lock cannot be touched (its time is how a holder elsewhere shows it is alive).
 */
export function takeLock(file: string, { shared = false, lost, untouched }: LockListeners & { shared?: boolean } = {}): Lock | Refusal {
  const path = resolve(file); // one key in `held` however the state directory was named
  for (let attempt = 0; attempt < 3; attempt++) {
    if (create(path)) return hold(path, { lost, untouched });
    const text = lockText(path);
    if (text === undefined) continue;
    if (text === myText && held.has(path)) return shared ? hold(path, { lost, untouched }) : { heldBy: 'this process' };
    const holder = parse(text);
    if (!abandoned(path, holder)) return refusal(path, holder as Holder);
    takeOver(path);
  }
  return { heldBy: 'a process taking it over this moment' };
}

interface LockListeners {
  lost?: (heldBy: string) => void;
  untouched?: (problem: string) => void;
}

/** Who holds a lock another took; `touchedAt`, for a holder only its refresh can show alive: when it last did (ms since the epoch). */
export interface Refusal {
  heldBy: string;
  touchedAt?: number;
}

function refusal(path: string, holder: Holder): Refusal {
  const touchedAt = askedByPid(holder) ? undefined : lstatSync(path, { throwIfNoEntry: false })?.mtimeMs;
  return { heldBy: named(holder), ...(touchedAt === undefined ? {} : { touchedAt }) };
}

function named(holder: Holder): string {
  if (holder.host && holder.host !== myHost) return `process ${holder.pid} on host ${holder.host}`;
  if (holder.space && mySpace && holder.space.split('.')[1] !== mySpace.split('.')[1]) return `process ${holder.pid} (of an earlier boot of this host, or another machine of its name)`;
  if (holder.space && holder.space !== mySpace) return `process ${holder.pid} in another PID namespace (another container on this host)`;
  return `process ${holder.pid}`;
}

function hold(path: string, { lost, untouched }: LockListeners): Lock {
  let entry = held.get(path);
  if (entry) entry.takers++;
  else {
    const fresh: Held = { takers: 1, refresh: undefined!, touched: [Date.now(), performance.now()], lost: new Set(), untouched: new Set(), touchFailing: false };
    fresh.refresh = setInterval(() => {
      try {
        confirm(path, fresh, true);
      } catch {
        // the lock unreadable for now: looked at again at the next refresh (and a write looks too)
      }
    }, REFRESH_MS);
    (fresh.refresh as { unref?: () => void }).unref?.(); // a lock never keeps the process up
    held.set(path, (entry = fresh));
  }
  const mine = entry;
  if (lost) mine.lost.add(lost);
  if (untouched) mine.untouched.add(untouched);
  let released = false;
  return {
    stillHeld: () => !released && confirm(path, mine, false),
    release: () => {
      if (released) return;
      released = true;
      if (lost) mine.lost.delete(lost);
      if (untouched) mine.untouched.delete(untouched);
      if (--mine.takers > 0 || held.get(path) !== mine) return; // shared still, or lost already (another's lock now)
      clearInterval(mine.refresh);
      held.delete(path);
      try {
        if (lockText(path) === myText) rmSync(path, { force: true }); // never another's that took it over meanwhile
      } catch {
        // unreadable: left to go stale
      }
    },
  };
}

/**
 * Whether `entry`'s lock still names this process. Looked at on the disk (`look`, or when the
 * lock was last touched TRUSTED_MS ago), and touched then. A lock found another's is given up.
 */
function confirm(path: string, entry: Held, look: boolean): boolean {
  if (held.get(path) !== entry) return false;
  const wall = Date.now();
  const monotonic = performance.now();
  if (!look && wall - entry.touched[0] < TRUSTED_MS && monotonic - entry.touched[1] < TRUSTED_MS) return true;
  const text = lockText(path);
  if (text !== myText) {
    clearInterval(entry.refresh);
    held.delete(path);
    entry.lostTo = text === undefined ? 'nobody (its lock was removed)' : named(parse(text) as Holder);
    for (const told of entry.lost) told(entry.lostTo);
    return false;
  }
  try {
    lutimesSync(path, new Date(wall), new Date(wall));
    entry.touched = [wall, monotonic];
    entry.touchFailing = false;
  } catch (error) {
    // not touched: looked at again at the next write or refresh. Said, once a run: a holder that
    // cannot touch its lock looks stale to a server elsewhere, which takes it over after STALE_MS
    if (!entry.touchFailing) for (const told of entry.untouched) told(`${(error as NodeJS.ErrnoException).code ?? ''} ${(error as Error).message}`.trim());
    entry.touchFailing = true;
  }
  return true;
}

/** Makes the lock with this process in it; false when there already is one. */
function create(path: string): boolean {
  try {
    symlinkSync(myText, path);
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
    if (abandoned(claim, parseAt(claim))) rmSync(claim, { force: true }); // its claimant died while taking over
    return;
  }
  try {
    // Under the claim nobody else removes it: it goes only if it is still a dead holder's.
    if (abandoned(path, parseAt(path))) rmSync(path, { force: true });
  } finally {
    rmSync(claim, { force: true });
  }
}

/** What the lock at `path` says, undefined when there is none. */
function lockText(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code !== 'EINVAL') throw error;
  }
  try {
    return readFileSync(path, 'utf8'); // a plain file holding a pid: a compact.lock from before locks were links
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseAt(path: string): Holder | 'dead' | 'gone' {
  const text = lockText(path);
  return text === undefined ? 'gone' : parse(text);
}

function parse(text: string): Holder | 'dead' {
  const match = /^(\d+)(?::(\d*)(?::([A-Za-z0-9_.-]+?)(?:\.(pidns-\d+\.boot-[0-9a-f-]+))?)?)?$/.exec(text.trim());
  if (!match) return 'dead'; // damaged: nobody can be holding it
  const [, pid, start, host, space] = match;
  return { pid: Number(pid), ...(start ? { start } : {}), ...(host ? { host } : {}), ...(space ? { space } : {}) };
}

/** Whether the lock at `path` was left by a process that is gone (one already removed is not). */
function abandoned(path: string, holder: Holder | 'dead' | 'gone'): boolean {
  if (holder === 'gone') return false;
  if (holder === 'dead') return true;
  if (holder.host && holder.host !== myHost) return untouchedFor(path, STALE_MS);
  if (!askedByPid(holder)) return untouchedFor(path, STALE_MS) && !(holder.space === undefined && runs(holder, true));
  return !runs(holder, false);
}

/** Whether the holder's pid was given here (this host, namespace and boot, when the lock says so and this process knows where it is): then its pid says whether it runs. */
function askedByPid(holder: Holder): boolean {
  if (holder.host && holder.host !== myHost) return false;
  return process.platform === 'linux' ? !!mySpace && holder.space === mySpace : holder.space === undefined;
}

/**
 * Whether the holder's process runs, as its pid is seen here. This process knows its own locks
 * (`held`): its pid in a file it does not hold is an earlier process's. `sure`: only when its
 * start time shows that it is that very process.
 */
function runs(holder: Holder, sure: boolean): boolean {
  if (holder.pid <= 0 || holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = holder.start && startOf(holder.pid);
  return sure ? !!start && start === holder.start : !start || start === holder.start; // another start: the pid was given to a later process
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

/**
 * Where this process's pid was given (Linux): `pidns-N.boot-ID`, its PID namespace (the inode of
 * /proc/self/ns/pid) and the kernel's boot; undefined when /proc cannot say, or is another
 * namespace's (mounted from outside: its /proc/self is not this pid, nor its /proc/PID ours).
 */
function pidSpace(): string | undefined {
  try {
    if (readlinkSync('/proc/self') !== String(process.pid)) return undefined;
    const namespace = /^pid:\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/pid'))?.[1];
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().toLowerCase();
    return namespace && /^[0-9a-f-]+$/.test(boot) ? `pidns-${namespace}.boot-${boot}` : undefined;
  } catch {
    return undefined;
  }
}

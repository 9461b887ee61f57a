// A program's processes, read from /proc: a server that forks workers (nginx, PostgreSQL) is
// more than the pid the test started, and a test that proves it stopped must look at them all.
import { readdirSync, readFileSync } from 'node:fs';

/** `pid` and its children, grandchildren and so on, as they are now. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const [child, parent] of parents()) children.set(parent, [...(children.get(parent) ?? []), child]);
  const tree = isRunning(pid) ? [pid] : [];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

/** `pid`'s children now (not their children). */
export function childrenOf(pid: number): number[] {
  return [...parents()].filter(([child, parent]) => parent === pid && isRunning(child)).map(([child]) => child);
}

/** Processes whose parent is init now: daemons, and orphans (a process whose parent died without ending it). */
export function adoptedByInit(): Set<number> {
  const adopted = new Set<number>();
  for (const [pid, parent] of parents()) if (parent === 1 && isRunning(pid)) adopted.add(pid);
  return adopted;
}

/** True while `pid` exists and is not a zombie (a dead process its parent has not waited for). */
export function isRunning(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

/** A process as a failure should name it: pid, state (Z: a zombie) and command line. */
export function describeProcess(pid: number): string {
  let command = '';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 160);
  } catch {
    // gone since
  }
  return `${pid} (${readStat(pid)?.state ?? 'gone'}) ${command}`.trim();
}

function* parents(): Generator<[number, number]> {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) yield [Number(name), stat.ppid];
  }
}

/** /proc/PID/stat's state and parent; the name before them is in parentheses and may hold anything, so read after the last ')' */
function readStat(pid: number): { state: string; ppid: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone (or never was)
  }
  const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state, ppid: Number(ppid) };
}

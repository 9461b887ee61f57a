// Processes the tests started and did not end: a sandbox's holders, a server, a browser. A test
// removes what it starts, as it removes its files; what one leaves running would outlive the
// run as an orphan (CI found sandbox holders, `bwrap … pause`, left by runs that passed). The
// runner names them after the file that started them, and ends whatever is left at the end. A
// process whose parent died during a file is adopted by init and is no descendant any more: the
// runner names those too (orphansSince), and leaves them be, as it cannot tell them from a daemon.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { adoptedByInit, processTree } from './process-tree.ts';

const sharedByFiles = new Set<number>();
const sharedChecks = new Set<() => Promise<string[]>>();

/** Marks `pid` and its descendants as shared by the files this process runs (a browser): no file's leftovers. Returns the way to unmark it, once it has ended. */
export function sharedProcess(pid: number): () => void {
  sharedByFiles.add(pid);
  return () => sharedByFiles.delete(pid);
}

/** What a file left open in something the files share (a browser's contexts) is found, and closed, after each file by `check`: each named. */
export function checkSharedAfterEachFile(check: () => Promise<string[]>): void {
  sharedChecks.add(check);
}

/** What the file that just ended left open in what the files share, now closed. */
export async function leftInShared(): Promise<string[]> {
  const left: string[] = [];
  for (const check of sharedChecks) left.push(...(await check()));
  return left;
}

/** This process's descendants now, but esbuild's service (tsx's compiler, and the page's build: it ends with this process) and what its files share. */
export function descendants(): Set<number> {
  const shared = new Set([...sharedByFiles].flatMap(processTree));
  return new Set(processTree(process.pid).filter((pid) => pid !== process.pid && !shared.has(pid) && !commandOf(pid).includes('esbuild --service')));
}

export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 120);
  } catch {
    return '(gone)';
  }
}

/** Processes adopted by init since `before` (adoptedByInit()), named; not one that is ending (its command line already gone). */
export function orphansSince(before: Set<number>): string[] {
  return [...adoptedByInit()]
    .filter((pid) => !before.has(pid))
    .map((pid) => ({ pid, command: commandOf(pid) }))
    .filter(({ command }) => command !== '' && command !== '(gone)')
    .map(({ pid, command }) => `${pid} ${command}`);
}

/**
 * Ends every descendant still running (SIGKILL: the run is over), each with its process group when
 * it leads one: a sandbox holder's group also holds bubblewrap's process in the new namespaces,
 * which, its parent killed before it let it run, would wait forever. Says which it ended.
 */
export function endLeftRunning(): string[] {
  const left = [...descendants()];
  const named = left.map((pid) => `${pid} ${commandOf(pid)}`);
  for (const pid of left) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // not a group leader, or gone meanwhile
      }
    }
  }
  return named;
}

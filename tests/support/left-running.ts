// Processes the tests started and did not end: a sandbox's holders, a server, a browser. A test
// removes what it starts, as it removes its files; what one leaves running would outlive the
// run as an orphan (CI found sandbox holders, `bwrap … pause`, left by runs that passed). The
// runner names them after the file that started them, and ends whatever is left at the end.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { processTree } from './process-tree.ts';

/** This process's descendants now, but esbuild's service (tsx's compiler, and the page's build: it ends with this process). */
export function descendants(): Set<number> {
  return new Set(processTree(process.pid).filter((pid) => pid !== process.pid && !commandOf(pid).includes('esbuild --service')));
}

export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 120);
  } catch {
    return '(gone)';
  }
}

/** Ends every descendant still running (SIGKILL: the run is over); says which it ended. */
export function endLeftRunning(): string[] {
  const left = [...descendants()];
  const named = left.map((pid) => `${pid} ${commandOf(pid)}`);
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  return named;
}

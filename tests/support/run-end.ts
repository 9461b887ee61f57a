// Clean-ups of things that must not outlive the test process: what one test process shares
// between test files (the page, built once), and what a failing test may leave running (a
// server it started). The runner calls them before it looks for what the tests left behind; run
// without the runner, they run when the process exits.
import { rmSync } from 'node:fs';
import process from 'node:process';

const pending = new Set<() => void>();

/**
 * Runs `cleanup` (synchronous: it may run in the process's exit) when the run ends, unless the
 * returned function is called first: a test that cleaned up itself must not leave a clean-up
 * behind that would, say, signal a pid the system has since given to another process.
 */
export function atRunEnd(cleanup: () => void): () => void {
  const once = () => {
    forget();
    cleanup();
  };
  const forget = () => {
    pending.delete(once);
    process.off('exit', once);
  };
  pending.add(once);
  process.on('exit', once);
  return forget;
}

/** Removes `dir` when the run ends. */
export function removeAtRunEnd(dir: string): void {
  atRunEnd(() => rmSync(dir, { recursive: true, force: true }));
}

export function runEndCleanups(): void {
  for (const cleanup of [...pending]) cleanup();
}

// Clean-ups of things one test process shares between test files (the page, built once): the
// runner calls them before it looks for what the tests left behind; run without the runner,
// they run when the process exits.
import { rmSync } from 'node:fs';
import process from 'node:process';

const cleanups: (() => void)[] = [];

/** Removes `dir` when the run ends. */
export function removeAtRunEnd(dir: string): void {
  atRunEnd(() => rmSync(dir, { recursive: true, force: true }));
}

/** Runs `cleanup` (synchronous, and harmless when there is nothing left to clean) when the run ends. */
export function atRunEnd(cleanup: () => void): void {
  cleanups.push(cleanup);
  process.on('exit', cleanup);
}

export function runEndCleanups(): void {
  for (const cleanup of cleanups.splice(0)) cleanup();
}

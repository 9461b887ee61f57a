// Clean-ups of things one test process shares between test files (the page, built once): the
// runner calls them before it looks for what the tests left behind; run without the runner,
// they run when the process exits.
import { rmSync } from 'node:fs';
import process from 'node:process';

const cleanups: (() => void)[] = [];

/** Removes `dir` when the run ends. */
export function removeAtRunEnd(dir: string): void {
  const remove = () => rmSync(dir, { recursive: true, force: true });
  cleanups.push(remove);
  process.on('exit', remove);
}

export function runEndCleanups(): void {
  for (const cleanup of cleanups.splice(0)) cleanup();
}

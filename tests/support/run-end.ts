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

const sharedUntilFilesEnd = new Set<() => Promise<void>>();
let runnerEndsFiles = false;

/** Said by the runner, which calls filesEnded once the process has run its files. */
export function filesEndWithRunner(): void {
  runnerEndsFiles = true;
}

/** Whether what the files share waits for filesEnded; if not (a file run alone), it is closed as soon as it is unused. */
export function sharedUntilRunnerEnds(): boolean {
  return runnerEndsFiles;
}

/**
 * Keeps something the process's test files share (a browser) until they have all run: `close`
 * then, or `kill` (synchronous) at the process's exit should it end before. Returns the way to
 * forget it, once it has ended by itself.
 */
export function shareUntilFilesEnd(close: () => Promise<void>, kill: () => void): () => void {
  const forgetKill = atRunEnd(kill);
  // closed, or failing to close as it is gone: nothing to kill (its pid may be another's by the exit)
  const end = () => close().then(forgetKill, forgetKill);
  sharedUntilFilesEnd.add(end);
  return () => {
    forgetKill();
    sharedUntilFilesEnd.delete(end);
  };
}

/** Closes what the files shared, each in 10 s at most (a close that hangs is left to the exit's kill): called once the process has run its files. */
export async function filesEnded(): Promise<void> {
  for (const close of [...sharedUntilFilesEnd]) {
    sharedUntilFilesEnd.delete(close);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([close(), new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
    clearTimeout(timer);
  }
}

export function runEndCleanups(): void {
  for (const cleanup of [...pending]) cleanup();
}

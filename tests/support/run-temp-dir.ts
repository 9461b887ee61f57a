// A run's own temp folder: the test runner and the benchmarks point TMPDIR at it (their children
// inherit it), and what is left in it at the end is what someone forgot to remove.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';

/** the machine's temp folder, read before any run points TMPDIR elsewhere */
const machineTemp = tmpdir();

/** tsx-<uid> is tsx's compile cache for the children run through it: tsx's, not ours. */
const NOT_OURS = /^tsx-\d+$/;

export interface RunTempDir {
  path: string;
  /** what is in it now, but for caches that are not ours */
  leftBehind(): string[];
  remove(): void;
}

export function useRunTempDir(prefix: string): RunTempDir {
  const path = mkdtempSync(join(machineTemp, prefix));
  process.env.TMPDIR = path;
  return {
    path,
    leftBehind: () => readdirSync(path).filter((name) => !NOT_OURS.test(name)),
    // Retried (up to about 5 s): processes the runner has just SIGKILLed may still be writing here
    // for a moment, and an ENOTEMPTY would end the run with a stack instead of its summary.
    remove: () => rmSync(path, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }),
  };
}

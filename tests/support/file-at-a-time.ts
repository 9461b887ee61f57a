// Runs uvu test files one after another, each imported just before its tests run. uvu's own
// runner (uvu/run) imports every file first and only then runs the tests, so each file's
// top-level setup (a sandbox cluster, a server, a database) would start at import and live
// through the whole run: a hundred sandboxes at once, their processes and timers loading the
// machine for every later test. Here a file's setup starts when its turn comes and its
// `after` hooks end it before the next file is imported.
import { pathToFileURL } from 'node:url';
import process from 'node:process';
import { commandOf, descendants, leftInShared, orphansSince } from './left-running.ts';
import { adoptedByInit } from './process-tree.ts';

/** How one file went: its tests (uvu's counts) and how long it took, import included. */
export interface FileResult {
  file: string;
  total: number;
  passed: number;
  skipped: number;
  ms: number;
}

type Runner = () => Promise<[string | true, number, number, number]>;
declare global {
  // uvu's globals: UVU_QUEUE[UVU_INDEX] = [file name, ...the runners of its suites]
  var UVU_DEFER: number | undefined;
  var UVU_INDEX: number | undefined;
  var UVU_QUEUE: [string | null, ...Runner[]][];
}

const write = (text: string) => process.stdout.write(text);

let running: string | undefined;
/** The file whose tests are running in this process, if one is: what a run cut short names. */
export function fileRunning(): string | undefined {
  return running;
}

export interface RunOptions {
  /** told of each file as it ends */
  ended?: (result: FileResult) => void;
  /** other processes run test files at the same time (parallel-run.ts) */
  besideOthers?: boolean;
}

/** Runs each file as `files` hands it out (a worker claims them one at a time: parallel-run.ts). */
export async function runFiles(files: Iterable<{ name: string; path: string }>, { ended = () => {}, besideOthers = false }: RunOptions = {}): Promise<FileResult[]> {
  globalThis.UVU_DEFER = 1; // suites queue their runners instead of starting at once
  await import('uvu');
  const results: FileResult[] = [];
  for (const { name, path } of files) {
    const before = descendants();
    const adoptedBefore = adoptedByInit();
    const started = Date.now();
    const result = { file: name, total: 0, passed: 0, skipped: 0, ms: 0 };
    globalThis.UVU_QUEUE.length = 0;
    globalThis.UVU_QUEUE.push([name]);
    globalThis.UVU_INDEX = 0;
    write(`\n\x1b[1m\x1b[4m${name}\x1b[24m\x1b[22m\n`);
    running = name;
    try {
      await import(pathToFileURL(path).href);
      const [, ...runners] = globalThis.UVU_QUEUE[0];
      for (const runner of runners) {
        const [errors, passed, skipped, total] = await runner();
        if (typeof errors === 'string' && errors) write(`\n${errors}\n`);
        result.total += total;
        result.passed += passed;
        result.skipped += skipped;
      }
    } catch (error) {
      // a file whose setup throws counts as one failure, named, and the run goes on
      write(`\n   FAIL  ${name} could not be loaded: ${(error as Error)?.stack ?? String(error)}\n`);
      result.total += 1;
    }
    running = undefined;
    result.ms = Date.now() - started;
    results.push(result);
    // what the file started and left running: a leak, or something shared that the run ends (a browser)
    const leftRunning = [...descendants()].filter((pid) => !before.has(pid));
    if (leftRunning.length) write(`\n  still running after ${name}: ${leftRunning.map((pid) => `${pid} ${commandOf(pid)}`).join('; ')}\n`);
    const leftOpen = await leftInShared();
    if (leftOpen.length) write(`\n  left open by ${name}, now closed: ${leftOpen.join('; ')}\n`);
    const orphans = orphansSince(adoptedBefore);
    if (orphans.length) write(`\n  orphaned during ${name} (their parent ended without them${besideOthers ? '; or during a file another worker ran meanwhile' : ''}): ${orphans.join('; ')}\n`);
    write(`  (${(result.ms / 1000).toFixed(1)} s)\n`);
    ended(result);
  }
  return results;
}

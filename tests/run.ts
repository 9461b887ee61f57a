// One test runner for Node (through tsx) and Deno: finds every *.test.ts below the folders
// given (default: tests/), runs them as uvu suites, a file at a time in each of TEST_JOBS
// worker processes (each file's setup starts when its turn comes: support/file-at-a-time.ts,
// support/parallel-run.ts), and ends with a plain "N passed, N failed" line that CI can read.
// Files that cannot run under Deno are listed in deno-exclusions.ts with the reason; the Deno
// run prints how many it left out.
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { denoExclusions } from './deno-exclusions.ts';
import { prepareCliBundle } from './support/cli-bundle.ts';
import { filesEnded, filesEndWithRunner, runEndCleanups } from './support/run-end.ts';
import { useRunTempDir } from './support/run-temp-dir.ts';
import { runFiles, type FileResult } from './support/file-at-a-time.ts';
import { endLeftRunning } from './support/left-running.ts';
import { claimFiles, reportEnded, runInWorkers, workerSetup, type ParallelRun } from './support/parallel-run.ts';

const worker = workerSetup();
filesEndWithRunner();
if (worker) {
  // A worker: the parent set the temp folder and keeps the watchdog; it stops a worker with SIGTERM.
  // However a worker ends (its files done, SIGTERM, a terminal's Ctrl-C, a file that ends it with
  // process.exit or, under Node, an uncaught error), what its tests left running ends with it: once
  // it is gone they are orphans no one can find. A signal becomes an exit, so the files' atRunEnd
  // clean-ups run too (no tsx CLI above a worker does that for it, as for the one-process run).
  process.once('exit', () => {
    runEndCleanups();
    const leftRunning = endLeftRunning();
    if (leftRunning.length) console.log(`left running by the tests, now ended: ${leftRunning.join('; ')}`);
  });
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(130));
  await runFiles(claimFiles(worker), { ended: (result) => reportEnded(worker, result), besideOthers: true });
  await filesEnded();
  process.exit(0);
}

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined';
const args = process.argv.slice(2);
const roots = args.length ? args : ['tests'];
const watchdogMinutes = Number(process.env.TEST_WATCHDOG_MINUTES ?? 45);
/** Files run at once: most of a file's time is waiting, so two on a 2-core machine. */
const jobs = Math.max(1, Number(process.env.TEST_JOBS ?? Math.min(availableParallelism(), 4)) || 1);

function findTests(path: string): string[] {
  if (statSync(path).isFile()) return path.endsWith('.test.ts') ? [path] : [];
  return readdirSync(path).sort().flatMap((name) => (name === 'node_modules' ? [] : findTests(join(path, name))));
}

const found = roots.flatMap(findTests).map((file) => relative('.', file));
const excluded = isDeno ? found.filter((file) => denoExclusions[file]) : [];
const files = found.filter((file) => !excluded.includes(file)).map((file) => ({ name: file, path: resolve(file) }));
if (files.length === 0) {
  console.error(`no test files found under ${roots.join(', ')}`);
  process.exit(1);
}

// Every test removes what it creates. The run gets a temp folder of its own (children inherit
// TMPDIR), and whatever is left in it at the end fails the run, by name.
const runTemp = useRunTempDir('octant-exec-tests-');
// Under Node the command line runs as one bundle of the sources, built once here (cli-bundle.ts).
const removeCliBundle = isDeno ? undefined : await prepareCliBundle();
process.once('exit', () => removeCliBundle?.());

const parallel: ParallelRun | undefined = jobs > 1 && files.length > 1 ? runInWorkers(files, jobs, dirname(runTemp.path)) : undefined;

/** Ends the run before its files do: what the tests started ends, and no folder of the run is left. */
async function abandonRun(workersGraceMs = 0): Promise<void> {
  runEndCleanups();
  await parallel?.stop(workersGraceMs);
  for (const process of endLeftRunning()) console.error(`  ended, still running: ${process}`);
  runTemp.remove();
  removeCliBundle?.(); // also at the exit; a runner that dies of a signal has none
}

const watchdog = setTimeout(async () => {
  console.error(`\ntests still running after ${watchdogMinutes} minutes: stopping (a test hangs?)`);
  for (const running of parallel?.inFlight() ?? []) console.error(`  still running: ${running}`);
  await abandonRun();
  process.exit(1);
}, watchdogMinutes * 60_000);
watchdog.unref?.();
// A Ctrl-C (the workers get it too, and end what their files started) or a SIGTERM ends the run as
// the watchdog does, with no report, and then the runner dies of the signal, as a shell loop
// around it needs to see to stop too. Signals that follow are let be: npm and tsx pass a Ctrl-C
// on to the process that already had it from the terminal, and the ending is bounded (stop()).
let interrupted: Promise<never> | undefined;
const listeners = (['SIGINT', 'SIGTERM'] as const).map((signal) => [signal, () => interrupt(signal)] as const);
for (const [signal, listener] of listeners) process.on(signal, listener);
function interrupt(signal: 'SIGINT' | 'SIGTERM'): void {
  if (interrupted) return;
  console.error(`\ntests interrupted (${signal}): ending what they started`); // each worker names the file it was in as it ends
  interrupted = (async () => {
    await abandonRun(5_000); // a terminal's Ctrl-C reached the workers too: they are ending what their files started
    for (const [name, listener] of listeners) process.off(name, listener);
    process.kill(process.pid, signal);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // should the signal be slow to come (tsx's own listener exits at once)
    process.exit(signal === 'SIGINT' ? 130 : 143);
  })();
}

const runStarted = Date.now();
const results: FileResult[] = await (parallel?.done ?? runFiles(files));
if (interrupted) await interrupted; // its files cut short, the run is not reported
await filesEnded();
clearTimeout(watchdog);
const sum = (key: 'total' | 'passed' | 'skipped') => results.reduce((n, r) => n + r[key], 0);
const [total, passed, skipped] = [sum('total'), sum('passed'), sum('skipped')];
console.log(`\n  Total:     ${total}\n  Passed:    ${passed}\n  Skipped:   ${skipped}\n  Duration:  ${((Date.now() - runStarted) / 1000).toFixed(1)} s\n`);
const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 12);
console.log(`slowest files: ${slowest.map(({ file, ms }) => `${file} ${(ms / 1000).toFixed(0)} s`).join(', ')}`);

if (excluded.length) {
  console.log(`Deno run left out ${excluded.length} file(s):`);
  for (const file of excluded) console.log(`  ${file}: ${denoExclusions[file]}`);
}
runEndCleanups();
const leftRunning = endLeftRunning();
if (leftRunning.length) console.log(`left running by the tests, now ended: ${leftRunning.join('; ')}`);
const leftBehind = runTemp.leftBehind();
if (leftBehind.length) console.log(`left behind in the temp folder by the tests (each test removes what it creates): ${leftBehind.join(', ')}`);
runTemp.remove();
const failed = total - passed;
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (failed !== 0 || total === 0 || skipped !== 0 || leftBehind.length) process.exitCode = 1;
process.exit(process.exitCode ?? 0);

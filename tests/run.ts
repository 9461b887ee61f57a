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
import { fileRunning, runFiles, type FileResult } from './support/file-at-a-time.ts';
import { endLeftRunning } from './support/left-running.ts';
import { claimFiles, reportEnded, runInWorkers, workerSetup, type ParallelRun } from './support/parallel-run.ts';

const worker = workerSetup();
filesEndWithRunner();
if (worker) {
  // A worker: the parent set the temp folder and keeps the watchdog; it stops a worker with SIGTERM.
  // However a worker ends (its files done, SIGTERM, a terminal's Ctrl-C, a file that ends it with
  // process.exit or, under Node, an uncaught error), what its tests left running ends with it: once
  // it is gone they are orphans no one can find. A signal becomes an exit, so the files' atRunEnd
  // clean-ups run too (nothing above a worker does that for it).
  process.once('exit', () => {
    runEndCleanups();
    const leftRunning = endLeftRunning();
    if (leftRunning.length) console.log(`left running by the tests, now ended: ${leftRunning.join('; ')}`);
  });
  process.on('SIGTERM', () => process.exit(143));
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
const bundled = isDeno ? Promise.resolve(undefined) : prepareCliBundle();
let parallel: ParallelRun | undefined;
let abandoning: Promise<void> | undefined;

/** Ends the run before its files do (once, whoever asks): what the tests started ends, and no folder of the run is left. */
function abandonRun(workersGraceMs = 0): Promise<void> {
  abandoning ??= (async () => {
    const removeCliBundle = await bundled.catch(() => undefined); // a bundle being built is removed once built
    runEndCleanups();
    await parallel?.stop(workersGraceMs);
    for (const process of endLeftRunning()) console.error(`  ended, still running: ${process}`);
    runTemp.remove();
    removeCliBundle?.(); // also at the exit; a runner ended by a signal may have none
  })();
  return abandoning;
}

// A Ctrl-C (the workers get it too, and end what their files started) or a SIGTERM ends the run as
// the watchdog does, with no report, and then the runner dies of the signal, as a shell loop
// around it needs to see to stop too. `npm test` runs it as `node --import tsx`: tsx's CLI relays a
// Ctrl-C to its child and SIGKILLs one that does not say it got it within 60 ms (a runner busy
// starting its workers), and makes every signal an exit besides. Signals that follow are let be:
// npm passes a Ctrl-C on to the process that already had it from the terminal; the end is bounded.
/** the run ending before its files did (a signal, the watchdog): it is not reported */
let ending: Promise<never> | undefined;
const listeners = (['SIGINT', 'SIGTERM'] as const).map((signal) => [signal, () => interrupt(signal)] as const);
for (const [signal, listener] of listeners) process.on(signal, listener);
function interrupt(signal: 'SIGINT' | 'SIGTERM'): void {
  if (ending) return;
  console.error(`\ntests interrupted (${signal}): ending what they started`); // each file cut short in a worker is named as its worker ends
  const cutShort = parallel ? undefined : fileRunning(); // run in this process (TEST_JOBS=1, or one file)
  if (cutShort) console.error(`\n   FAIL  ${cutShort}: cut short by the ${signal}`);
  ending = (async () => {
    try {
      await abandonRun(5_000); // a terminal's Ctrl-C reached the workers too: they are ending what their files started
    } finally {
      for (const [name, listener] of listeners) process.off(name, listener);
      process.kill(process.pid, signal);
      await new Promise((resolve) => setTimeout(resolve, 1000)); // should the signal be slow to come, or be made an exit (a tsx CLI above)
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
  })();
}

// a Ctrl-C while it is built ends esbuild's process too, and the build fails: the run is ending anyway
const removeCliBundle = await bundled.catch((error: unknown) => (ending ? undefined : Promise.reject(error)));
process.once('exit', () => removeCliBundle?.());
if (ending) await ending; // nothing more starts

parallel = jobs > 1 && files.length > 1 ? runInWorkers(files, jobs, dirname(runTemp.path)) : undefined;
const watchdog = setTimeout(() => {
  if (ending) return;
  console.error(`\ntests still running after ${watchdogMinutes} minutes: stopping (a test hangs?)`);
  for (const running of parallel?.inFlight() ?? []) console.error(`  still running: ${running}`);
  ending = abandonRun().then(() => process.exit(1));
}, watchdogMinutes * 60_000);
watchdog.unref?.();

const runStarted = Date.now();
const results: FileResult[] = await (parallel?.done ?? runFiles(files));
// Deno may hand the runner a Ctrl-C after its workers' ends, which the same Ctrl-C caused: wait for it
for (let waited = 0; !ending && parallel?.endedBySignal() && waited < 2_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
if (ending) await ending; // its files cut short, the run is not reported
results.push(...(parallel?.notRun(results) ?? []));
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

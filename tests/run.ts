// One test runner for Node (through tsx) and Deno: finds every *.test.ts below the folders
// given (default: tests/), runs them as uvu suites in one process, and ends with a plain
// "N passed, N failed" line that CI can read. Files that cannot run under Deno are listed in
// deno-exclusions.ts with the reason; the Deno run prints how many it left out.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import process from 'node:process';
import { denoExclusions } from './deno-exclusions.ts';
import { runEndCleanups } from './support/run-end.ts';
import { useRunTempDir } from './support/run-temp-dir.ts';

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined';
const args = process.argv.slice(2);
const roots = args.length ? args : ['tests'];
const watchdogMinutes = Number(process.env.TEST_WATCHDOG_MINUTES ?? 20);

function findTests(path: string): string[] {
  if (statSync(path).isFile()) return path.endsWith('.test.ts') ? [path] : [];
  return readdirSync(path).sort().flatMap((name) => (name === 'node_modules' ? [] : findTests(join(path, name))));
}

const files = roots.flatMap(findTests).map((file) => relative('.', file));
const excluded = isDeno ? files.filter((file) => denoExclusions[file]) : [];
const suites = files.filter((file) => !excluded.includes(file)).map((file) => ({ name: file, file: resolve(file) }));
if (suites.length === 0) {
  console.error(`no test files found under ${roots.join(', ')}`);
  process.exit(1);
}

// Every test removes what it creates. The run gets a temp folder of its own (children inherit
// TMPDIR), and whatever is left in it at the end fails the run, by name.
const runTemp = useRunTempDir('octant-exec-tests-');

// uvu prints its totals but does not return them: read them off its own output.
const captured: string[] = [];
// When each file's suites started (uvu names the file first), to say where the run's time went.
const fileStarts: { file: string; at: number }[] = [];
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  const text = typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
  const file = /^(?:\x1b\[[0-9;]*m)*(tests\/\S+\.test\.ts)/.exec(text)?.[1];
  if (file) fileStarts.push({ file, at: Date.now() });
  captured.push(text);
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

const watchdog = setTimeout(() => {
  console.error(`\ntests still running after ${watchdogMinutes} minutes: stopping (a test hangs?)`);
  runTemp.remove();
  process.exit(1);
}, watchdogMinutes * 60_000);
watchdog.unref?.();

// uvu/run imports each file by URL; it expects absolute paths without the leading slash.
const { run } = await import('uvu/run');
await run(suites.map((s) => ({ ...s, file: s.file.replace(/^\//, '') })), { bail: false });
clearTimeout(watchdog);
process.stdout.write = write;
const ended = Date.now();
const durations = fileStarts.map(({ file, at }, i) => ({ file, ms: (fileStarts[i + 1]?.at ?? ended) - at })).sort((a, b) => b.ms - a.ms);
console.log(`slowest files: ${durations.slice(0, 12).map(({ file, ms }) => `${file} ${(ms / 1000).toFixed(0)} s`).join(', ')}`);

const plain = captured.join('').replace(/\x1b\[[0-9;]*m/g, '');
const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
if (excluded.length) {
  console.log(`Deno run left out ${excluded.length} file(s):`);
  for (const file of excluded) console.log(`  ${file}: ${denoExclusions[file]}`);
}
runEndCleanups();
const leftBehind = runTemp.leftBehind();
if (leftBehind.length) console.log(`left behind in the temp folder by the tests (each test removes what it creates): ${leftBehind.join(', ')}`);
runTemp.remove();
const failed = total - passed;
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (failed !== 0 || Number.isNaN(total) || skipped !== 0 || leftBehind.length) process.exitCode = 1;
process.exit(process.exitCode ?? 0);

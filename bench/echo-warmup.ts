// How figure 1's tail changes as a server warms up (issue #20, goal 1):
//   npx tsx bench/echo-warmup.ts [runs=8] [round trips=2000] [--built]
// Figure 1's set-up (bench/terminals.ts), from the server's start: run after run, a new terminal
// of `count` 1-byte round trips through `cat`, octant-exec then kubectl. For each octant-exec
// run, beside its p50 and p99: the server's CPU per round trip, and how many optimizations V8's
// optimizing compiler finished and how many deoptimizations it made in the server meanwhile (its
// --trace-opt and --trace-deopt lines, turned on by a preload loaded through
// NODE_OPTIONS=--require; a function optimized twice counts twice). kubectl's
// runs say how the sandbox, a Node process on both chains, warms up too. Not a figure: it shows
// why figure 1 warms every chain before it measures, and measures a fresh server beside it.
// With --built the server is bundled as the installed program is (bench/built-server.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { builtServerProcess } from './built-server.ts';
import { quantile } from './harness.ts';
import { roundTrips } from './measure.ts';
import { rawThen, readUntil, startBenchApp, type BenchApp, type Launcher } from './terminals.ts';

const args = process.argv.slice(2).filter((arg) => arg !== '--built');
const runs = Number(args[0] ?? 8);
const count = Number(args[1] ?? 2000);
if (!(runs > 0 && count > 0)) throw new Error('usage: npx tsx bench/echo-warmup.ts [runs] [round trips] [--built]');

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-echo-warmup-'));
const preload = join(dir, 'trace-jit.cjs');
// only in the server: V8 prints its trace on the process's stdout, which the bench takes
writeFileSync(
  preload,
  String.raw`if (/server-process\.(ts|mjs)$/.test(process.argv[1] || '')) {
  const v8 = require('node:v8');
  v8.setFlagsFromString('--trace-opt');
  v8.setFlagsFromString('--trace-deopt');
}
`,
);
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim();

const jit = { optimizations: 0, deopts: 0 };
let partial = '';
const countTrace = (chunk: Buffer) => {
  const lines = (partial + chunk.toString('latin1')).split('\n');
  partial = lines.pop()!;
  for (const line of lines) {
    if (line.includes('completed optimizing')) jit.optimizations++;
    else if (line.includes('bailout (kind')) jit.deopts++;
  }
};

const oneRun = async (launcher: Launcher) => {
  const term = await launcher.open(rawThen('cat'));
  await readUntil(term, 'R');
  const times = await roundTrips(term, count);
  term.close();
  await term.exited;
  return `p50 ${quantile(times, 0.5).toFixed(2)} ms, p99 ${quantile(times, 0.99).toFixed(2)} ms, ${times.filter((t) => t > 1).length} over 1 ms`;
};
let built: Awaited<ReturnType<typeof builtServerProcess>> | undefined;
let bench: BenchApp | undefined;
try {
  if (process.argv.includes('--built')) built = await builtServerProcess();
  bench = await startBenchApp({ hub: { messagesPerSecond: 1_000_000 }, serverOutput: countTrace, builtServer: built?.path });
  console.log(`${runs} runs of ${count} round trips each, from the server's start (${built ? 'built' : 'from its sources through tsx'}); octant-exec's server: CPU per round trip, optimizations / deopts during the run`);
  for (let run = 1; run <= runs; run++) {
    const before = { ...jit, cpuMs: (await bench.usage()).cpuMs };
    const octant = await oneRun(bench.octant);
    const cpuUs = (((await bench.usage()).cpuMs - before.cpuMs) * 1000) / count;
    console.log(`run ${run}: octant-exec ${octant}; server ${cpuUs.toFixed(0)} µs CPU a round trip, ${jit.optimizations - before.optimizations} optimizations, ${jit.deopts - before.deopts} deopts`);
    console.log(`       kubectl     ${await oneRun(bench.kubectl)}`);
  }
} finally {
  await bench?.close();
  built?.remove();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);

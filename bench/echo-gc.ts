// Where figure 1's slow keystrokes come from (issue #20, goal 1), before changing anything:
//   npx tsx bench/echo-gc.ts [round trips=2000]
// Figure 1's set-up (bench/terminals.ts: the sandbox, the server and this process playing the
// page, each its own Node process), with every Node process reporting its garbage collections
// (a PerformanceObserver loaded through NODE_OPTIONS=--require into the children, and here).
// For octant-exec and for kubectl in turn, `count` 1-byte round trips through `cat`, then: the
// collections of each process during them, and how many of the round trips over 1 ms overlap a
// collection in which process. kubectl is a Go program (its own collections are not seen); its
// terminal is read in this process, like the page's socket. Not a figure: it attributes figure
// 1's tail. Counts, unlike times, hold on a busy machine.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import process from 'node:process';
import { rawThen, readUntil, startBenchApp, type BenchTerminal, type Launcher } from './terminals.ts';

const count = Number(process.argv[2] ?? 2000);
if (!(count > 0)) throw new Error('usage: npx tsx bench/echo-gc.ts [round trips]');
const SLOW_MS = 1;

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-echo-gc-'));
const log = join(dir, 'gc.log');
const observer = join(dir, 'observe-gc.cjs');
// one line per collection: process title, start and end (epoch ms)
writeFileSync(
  observer,
  `const { PerformanceObserver, performance } = require('node:perf_hooks');
const fs = require('node:fs');
const who = (process.argv[1] || '').split('/').pop() + (process.argv.includes('sandbox') ? ' (sandbox)' : '');
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ who, start: performance.timeOrigin + e.startTime, end: performance.timeOrigin + e.startTime + e.duration }) + '\\n');
}).observe({ entryTypes: ['gc'] });
`,
);
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${observer}`.trim();
const own: { who: string; start: number; end: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) own.push({ who: 'this process (the page; kubectl\'s terminal)', start: performance.timeOrigin + e.startTime, end: performance.timeOrigin + e.startTime + e.duration });
}).observe({ entryTypes: ['gc'] });

/** Sequential round trips, each with its start and end (epoch ms). */
function timedRoundTrips(term: BenchTerminal, n: number): Promise<{ start: number; end: number }[]> {
  return new Promise((resolve) => {
    const trips: { start: number; end: number }[] = [];
    let sentAt = 0;
    const send = () => {
      sentAt = performance.timeOrigin + performance.now();
      term.write('x');
    };
    term.listen((chunk) => {
      for (let i = 0; i < chunk.length; i++) {
        trips.push({ start: sentAt, end: performance.timeOrigin + performance.now() });
        if (trips.length === n) {
          term.listen(() => {});
          return resolve(trips);
        }
      }
      send();
    });
    send();
  });
}

const bench = await startBenchApp({ hub: { messagesPerSecond: 1_000_000 } });
try {
  for (const launcher of [bench.octant, bench.kubectl] as Launcher[]) {
    const term = await launcher.open(rawThen('cat'));
    await readUntil(term, 'R');
    await timedRoundTrips(term, 50);
    const trips = await timedRoundTrips(term, count);
    term.close();
    await term.exited;
    const from = trips[0].start;
    const to = trips.at(-1)!.end;
    const theirs = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { who: string; start: number; end: number });
    const collections = [...own, ...theirs].filter((gc) => gc.end >= from && gc.start <= to);
    const slow = trips.filter((t) => t.end - t.start > SLOW_MS);
    const sorted = trips.map((t) => t.end - t.start).sort((a, b) => a - b);
    console.log(`${launcher.subject}: ${count} round trips, p50 ${sorted[Math.floor(count / 2)].toFixed(2)} ms, p99 ${sorted[Math.floor(count * 0.99)].toFixed(2)} ms, ${slow.length} over ${SLOW_MS} ms`);
    for (const who of [...new Set(collections.map((gc) => gc.who))].sort()) {
      const mine = collections.filter((gc) => gc.who === who);
      const overlapping = slow.filter((t) => mine.some((gc) => gc.end >= t.start && gc.start <= t.end)).length;
      const pause = mine.reduce((sum, gc) => sum + gc.end - gc.start, 0);
      console.log(`  ${who}: ${mine.length} collections (${pause.toFixed(1)} ms in all); ${overlapping} of the slow round trips overlap one`);
    }
    const explained = slow.filter((t) => collections.some((gc) => gc.end >= t.start && gc.start <= t.end)).length;
    console.log(`  slow round trips during no collection anywhere: ${slow.length - explained}`);
  }
} finally {
  await bench.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);

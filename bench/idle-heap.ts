// What one idle interactive terminal costs the server, part by part (issue #20, goal 3):
//   npx tsx bench/idle-heap.ts [terminals=200] [--built]
// Starts the bench's three processes (bench/terminals.ts), opens a few shells first so code
// loading and JIT warm-up are in the baseline, takes a heap snapshot of the server, opens
// `terminals` idle shells as figure 5 does, takes another, and prints the server's memory growth
// per terminal (RSS, JS heap, memory outside it) and the new heap objects grouped by part
// (bench/heap-diff.ts). Not a figure: it explains figure 5's number. With --built the server is
// bundled as the installed program is (bench/built-server.ts) rather than run through tsx.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { heapDiff } from './heap-diff.ts';
import { builtServerProcess } from './built-server.ts';
import { openIdleShells } from './idle-shells.ts';
import { fixtureFor } from './sandbox-fixture.ts';
import { startBenchApp } from './terminals.ts';

const WARM = 10;
const args = process.argv.slice(2);
const terminals = Number(args.find((arg) => arg !== '--built') ?? 200);
if (!(terminals > 0)) throw new Error('usage: npx tsx bench/idle-heap.ts [terminals] [--built]: a positive number of terminals');
const built = args.includes('--built') ? await builtServerProcess() : undefined;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-heap-'));
const bench = await startBenchApp({ maxSessions: terminals + WARM + 10, fixture: fixtureFor(terminals + WARM), builtServer: built?.path });
try {
  const warm = await openIdleShells(bench.app, WARM);
  await sleep(1_000);
  const before = await bench.heapSnapshot(join(dir, 'before.heapsnapshot'));
  // Read after the first snapshot, not before it: building a snapshot takes native memory that
  // malloc keeps once it is freed (about 100 MB of RSS here), which a reading before it would
  // count against the terminals.
  const rssBefore = (await bench.usage()).rss;
  const heldBefore = await bench.usage(true);
  const pages = await openIdleShells(bench.app, terminals);
  await sleep(1_000);
  const rssAfter = (await bench.usage()).rss;
  // Before the second snapshot, which takes more memory than the first (the heap has the new
  // terminals in it): what malloc keeps of it counts in the RSS read after it. The first one's
  // memory, freed before the terminals opened, can be reused by them: the readings between the
  // snapshots lean low where the one after them leans high.
  const heldAfter = await bench.usage(true);
  const after = await bench.heapSnapshot(join(dir, 'after.heapsnapshot'));
  const per = (bytes: number) => `${(bytes / terminals / 1024).toFixed(2)} KiB`;
  console.log(`${terminals} idle terminals (after ${WARM} warm-up ones), the server ${built ? 'built' : 'from its sources through tsx'}; per terminal:`);
  console.log(`  RSS (between the snapshots)  ${per(rssAfter - rssBefore)}`);
  console.log(`  RSS (after a full GC)        ${per(heldAfter.rss - heldBefore.rss)}`);
  console.log(`    JS heap reserved then      ${per(heldAfter.heapTotal - heldBefore.heapTotal)}`);
  console.log(`      of it the young gen.     ${per(heldAfter.youngGeneration - heldBefore.youngGeneration)} (grown by the opening's allocation rate, up to a bound per process; a full GC keeps it)`);
  console.log(`    less the young gen.        ${per(heldAfter.rss - heldBefore.rss - (heldAfter.youngGeneration - heldBefore.youngGeneration))}`);
  console.log(`    outside V8 then            ${per(heldAfter.rss - heldBefore.rss - (heldAfter.heapTotal - heldBefore.heapTotal) - (heldAfter.external - heldBefore.external))}`);
  console.log(`  JS heap used (after GC)      ${per(after.heapUsed - before.heapUsed)}`);
  console.log(`  JS heap reserved             ${per(after.heapTotal - before.heapTotal)}`);
  console.log(`  external (C++ objects)       ${per(after.external - before.external)}`);
  console.log(`    of it ArrayBuffers         ${per(after.arrayBuffers - before.arrayBuffers)}`);
  console.log(`  RSS (after the snapshots)    ${per(after.rss - before.rss)}`);
  console.log(`    outside V8 then            ${per(after.rss - before.rss - (after.heapTotal - before.heapTotal) - (after.external - before.external))}`);
  const parts = heapDiff(join(dir, 'before.heapsnapshot'), join(dir, 'after.heapsnapshot'));
  const total = parts.reduce((sum, p) => sum + p.bytes, 0);
  console.log(`new heap objects: ${per(total)} per terminal; the largest parts:`);
  console.log('  bytes/terminal  objects/terminal  part');
  for (const p of parts.slice(0, Number(process.env.HEAP_PARTS ?? 60))) {
    console.log(`  ${(p.bytes / terminals).toFixed(0).padStart(14)}  ${(p.count / terminals).toFixed(2).padStart(16)}  ${p.part}`);
  }
  // the same objects by their nearest holder with a constructor: which part of the server holds them
  const owners = new Map<string, number>();
  for (const p of parts) {
    const owner = p.part.split(/[. ]/)[0];
    owners.set(owner, (owners.get(owner) ?? 0) + p.bytes);
  }
  console.log('by holder:');
  for (const [owner, bytes] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`  ${(bytes / terminals).toFixed(0).padStart(14)}  ${owner}`);
  void warm, pages; // held open until here; the pages' sockets end with the server
} finally {
  // A snapshot stalls the server for seconds, long enough for the pages' heartbeat to drop their
  // sockets; closing them then raises socket errors nobody listens to. The measure is printed:
  // say so and go on stopping the server and the sandbox.
  process.on('uncaughtException', (error) => console.error(`while closing: ${error.message}`));
  await bench.close();
  built?.remove();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0); // the pages' sockets, whose server is gone

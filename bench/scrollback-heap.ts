// What a scrollback's output costs in the heap against what its limit and the ended terminals'
// budget count (src/server/scrollback.ts, ended-scrollback.ts), in this process, no cluster:
//   npx tsx bench/scrollback-heap.ts
// For each way output can come (stdout and stderr taking turns a byte or 64 bytes a write, chunks
// that leave a block half full, plain 4 KiB reads): scrollbacks filled past their 1 MiB limit, held
// running, then ended and fitted; the JS heap and ArrayBuffers they grew by, per byte counted.
// Not a figure: the counted cost should be what they hold (within 2x; 1 MiB of stdout and stderr
// taking turns a byte a write held 266 MiB when the budget counted bytes and a change began a block).
import process from 'node:process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { EndedScrollbacks } from '../src/server/ended-scrollback.ts';
import { Scrollback } from '../src/server/scrollback.ts';

const LIMIT = 1 << 20;
// A plain full collection: full-gc.ts's "last resort" one, which returns pages to the system,
// left heapUsed off by some 10 MiB either way here, more than a case's whole cost.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const held = () => {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

const ways: { name: string; terminals: number; fill: (scrollback: Scrollback) => void }[] = [
  { name: 'stdout and stderr in turn, 1 byte a write', terminals: 16, fill: (s) => writes(s, 1, 2 * LIMIT, true) },
  { name: 'stdout and stderr in turn, 64 bytes a write', terminals: 16, fill: (s) => writes(s, 64, 2 * LIMIT, true) },
  { name: 'stdout, 8193 bytes then 1 byte', terminals: 32, fill: (s) => { for (let i = 0; i < 256; i++) writes(s, 8193, 8193, false), writes(s, 1, 1, false); } },
  { name: 'stdout, 4 KiB a write', terminals: 32, fill: (s) => writes(s, 4096, 2 * LIMIT, false) },
];

function writes(scrollback: Scrollback, each: number, total: number, turns: boolean): void {
  const chunk = new Uint8Array(each).fill(0x61);
  for (let at = 0, i = 0; at < total; at += each, i++) scrollback.append(chunk, turns && i % 2 ? 'stderr' : 'stdout');
}

for (const { fill } of ways) fill(new Scrollback(LIMIT)); // compiled before anything is measured
console.log('heap and ArrayBuffers per byte counted (x), scrollbacks of 1 MiB:');
for (const { name, terminals, fill } of ways) {
  const before = held();
  const scrollbacks = Array.from({ length: terminals }, () => new Scrollback(LIMIT));
  scrollbacks.forEach(fill);
  const running = held() - before;
  const counted = scrollbacks.reduce((sum, s) => sum + s.cost, 0);
  const bytes = scrollbacks.reduce((sum, s) => sum + s.size, 0);
  const ended = new EndedScrollbacks(Number.MAX_SAFE_INTEGER, () => {});
  scrollbacks.forEach((scrollback, i) => ended.ended(`t${i}`, '', scrollback));
  const fitted = held() - before;
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
  console.log(`  ${name}: ${terminals} hold ${mib(bytes)} of output, counted ${mib(counted)}; running x${(running / counted).toFixed(2)}, ended x${(fitted / ended.bytes).toFixed(2)}; ${scrollbacks[0].blocks} blocks each`);
}

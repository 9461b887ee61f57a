// What an ended terminal costs the server besides its scrollback (--ended-scrollback bounds that
// part: src/server/ended-scrollback.ts):
//   npx tsx bench/ended-heap.ts [terminals=2000] [bytes each=100]
// Starts the bench's three processes (bench/terminals.ts), ends a few one-shot terminals first
// (code loading and JIT in the baseline), takes a heap snapshot of the server, then ends
// `terminals` more that print `bytes` each (32 at a time, none attached), takes another, and
// prints the server's growth per ended terminal and the new heap objects by part
// (bench/heap-diff.ts). Not a figure: it says what an ended terminal holds until it is closed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { isEnded } from '../src/protocol/terminal-states.ts';
import { heapDiff } from './heap-diff.ts';
import { inTarget, startBenchApp } from './terminals.ts';

const WARM = 50;
const AT_ONCE = 32;
const [terminals, bytes] = [Number(process.argv[2] ?? 2000), Number(process.argv[3] ?? 100)];
if (!(terminals > 0 && bytes >= 0)) throw new Error('usage: npx tsx bench/ended-heap.ts [terminals] [bytes each]');

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-ended-heap-'));
const bench = await startBenchApp();
const ended = new Set<string>();
const waiting = new Map<string, () => void>();
bench.client.onMessage((message) => {
  if (message.type !== 'session' || !isEnded(message.session.state)) return;
  ended.add(message.session.sessionId);
  waiting.get(message.session.sessionId)?.();
});

/** `count` terminals that print `bytes` and end, AT_ONCE at a time. */
async function endTerminals(count: number): Promise<void> {
  let next = 0;
  const opener = async () => {
    while (next++ < count) {
      const [sessionId] = await bench.client.exec(inTarget(['sh', '-c', `head -c ${bytes} /dev/zero | tr '\\0' x`], false));
      if (!ended.has(sessionId)) await new Promise<void>((resolve) => waiting.set(sessionId, resolve));
      waiting.delete(sessionId);
    }
  };
  await Promise.all(Array.from({ length: AT_ONCE }, opener));
}

try {
  await endTerminals(WARM);
  const before = await bench.heapSnapshot(join(dir, 'before.heapsnapshot'));
  const heldBefore = await bench.usage(true);
  await endTerminals(terminals);
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // the last ones' streams close
  const heldAfter = await bench.usage(true);
  const after = await bench.heapSnapshot(join(dir, 'after.heapsnapshot'));
  const per = (n: number) => `${(n / terminals / 1024).toFixed(2)} KiB`;
  console.log(`${terminals} ended terminals of ${bytes} bytes each (after ${WARM} warm-up ones); per terminal:`);
  console.log(`  RSS (after a full GC)   ${per(heldAfter.rss - heldBefore.rss)}`);
  console.log(`  JS heap used            ${per(after.heapUsed - before.heapUsed)}`);
  console.log(`  external (ArrayBuffers) ${per(after.external - before.external)} (${per(after.arrayBuffers - before.arrayBuffers)})`);
  const parts = heapDiff(join(dir, 'before.heapsnapshot'), join(dir, 'after.heapsnapshot'));
  console.log('  bytes/terminal  objects/terminal  part');
  for (const p of parts.slice(0, Number(process.env.HEAP_PARTS ?? 30))) console.log(`  ${(p.bytes / terminals).toFixed(0).padStart(14)}  ${(p.count / terminals).toFixed(2).padStart(16)}  ${p.part}`);
} finally {
  await bench.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0); // the page's socket, whose server is gone

// Figure 7: the event log over time.
// - Start: a history grown by the live machines (bench/history.ts) to 100k and 1M entries
//   (quick: 20k and 100k; BENCH_HISTORY=100000,1000000,10000000 for 10M as well). At each size the server stops as in a
//   crash, with the longest tail a start can meet (a snapshot policy's worth of entries after the
//   newest snapshot), and nothing compacted. Each start runs in a fresh process
//   (bench/open-history.ts), interleaved with a start on an empty state directory: the time
//   ExecSystem.open takes, the process's memory after it (RSS, heap used; after a GC), and the
//   time the snapshot a server writes next takes (the price of short starts).
// - Growth: the log bytes a terminal busy for an hour adds, against 0.1.0's one activity entry
//   a second (in 0.1.0's format, written in the same run).
// - Rates: entries appended per second while growing the history (the machines deciding each
//   fact, as a live server does), and a full replay of the smallest history (actors + projections).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { COMPACTED_FILE, LOG_DIR, SNAPSHOT_DIR } from '../../src/events/files/layout.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { DEFAULT_SNAPSHOT_POLICY, ExecSystem } from '../../src/runtime/exec-system.ts';
import { summarize, type Figure, type Series } from '../harness.ts';
import { HistoryGenerator } from '../history.ts';

const EMPTY = 'empty state dir';
const sizeName = (entries: number) => `${entries >= 1e6 ? `${entries / 1e6}M` : `${entries / 1e3}k`} entries`;

/** The same state directory, for one start: sealed segments linked (never written again), the rest copied. */
function copyForStart(from: string, to: string): void {
  mkdirSync(join(to, LOG_DIR), { recursive: true });
  mkdirSync(join(to, SNAPSHOT_DIR), { recursive: true });
  const segments = readdirSync(join(from, LOG_DIR)).filter((name) => name.endsWith('.jsonl')).sort();
  segments.forEach((name, i) => (i < segments.length - 1 ? linkSync : copyFileSync)(join(from, LOG_DIR, name), join(to, LOG_DIR, name)));
  if (existsSync(join(from, LOG_DIR, COMPACTED_FILE))) copyFileSync(join(from, LOG_DIR, COMPACTED_FILE), join(to, LOG_DIR, COMPACTED_FILE));
  for (const name of readdirSync(join(from, SNAPSHOT_DIR))) copyFileSync(join(from, SNAPSHOT_DIR, name), join(to, SNAPSHOT_DIR, name));
}

const median = (samples: number[]) => summarize(samples).median;
/** The log's data in `dir`: regular files only (the writer's lock is a symbolic link to nothing: see file-lock.ts). */
function bytesIn(dir: string): number {
  if (!existsSync(dir)) return 0;
  const sizes = readdirSync(dir).map((name) => lstatSync(join(dir, name), { throwIfNoEntry: false }));
  return sizes.reduce((total, stat) => total + (stat?.isFile() ? stat.size : 0), 0);
}

interface StartSample {
  ms: number;
  replayed: number;
  fromSnapshot: boolean;
  rss: number;
  heapUsed: number;
  /** the snapshot written right after (undefined when there was nothing new to write) */
  snapshotMs?: number;
}

function measureStart(dir: string): Promise<StartSample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/open-history.ts', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 && !err ? resolve(JSON.parse(out)) : reject(new Error(`a start on ${dir} failed (${code}): ${err.slice(-500)}`))));
  });
}

/** Bytes one terminal adds to the log in an hour of output every 200 ms and a keystroke every 2 s. */
async function busyHourBytes(dir: string): Promise<{ octantExec: number; v010: number }> {
  const adapter = new FakeExecAdapter();
  const segment = join(dir, LOG_DIR);
  const system = ExecSystem.open({ adapter, store: new FileStore(dir), clock: () => new VirtualClock(Date.UTC(2026, 0, 1, 9)), snapshots: false });
  system.exec({ target: { namespace: 'default', pod: 'web', containers: ['nginx'] }, command: { shell: 'auto' }, interactive: true, requestedBy: 'bench' }, ['nginx']);
  const stream = adapter.last().open();
  const before = bytesIn(segment);
  const firstSeq = system.entries().length + 1;
  for (let ms = 200; ms <= 3_600_000; ms += 200) {
    system.clock.advanceBy(200);
    stream.stdout('output');
    if (ms % 2000 === 0) system.io.input('t1', new Uint8Array([0x6c]));
  }
  const octantExec = bytesIn(segment) - before;
  system.shutdown();
  // what 0.1.0 wrote for the same hour: one activity entry a second
  let v010 = 0;
  for (let second = 1; second <= 3600; second++) {
    v010 += JSON.stringify({ type: 'session.activity', sessionId: 't1', seq: firstSeq + second, time: Date.UTC(2026, 0, 1, 9) + second * 1000 }).length + 1;
  }
  return { octantExec, v010 };
}

/** History sizes: BENCH_HISTORY=n,n,… or the defaults (10M entries take about 35 minutes to grow on 2 cores: on request only). */
function historySizes(quick: boolean): number[] {
  const sizes = (process.env.BENCH_HISTORY ?? (quick ? '20000,100000' : '100000,1000000')).split(',').map(Number);
  if (sizes.some((size) => !Number.isSafeInteger(size) || size < 1000)) throw new Error(`BENCH_HISTORY must be entry counts of at least 1000, like 100000,1000000: not "${process.env.BENCH_HISTORY}"`);
  return sizes;
}

export const eventLogFigure: Figure = {
  id: '7',
  title: 'Event log: start time and memory after 100k–10M entries of history, log growth, append and replay rates',
  // growing a history runs at about 5,000 entries a second
  stuckMinutes: (quick) => 15 + Math.max(...historySizes(quick)) / 100_000,
  async run(ctx) {
    const sizes = historySizes(ctx.quick);
    const tailEntries = DEFAULT_SNAPSHOT_POLICY.everyEntries - 10;
    const scratch = mkdtempSync(join(tmpdir(), 'octant-exec-bench-log-'));
    try {
      const growth = await busyHourBytes(join(scratch, 'busy-hour'));

      const live = join(scratch, 'live');
      const generator = new HistoryGenerator(live);
      const checkpoints = new Map<string, { dir: string; entries: number; bytes: number }>();
      const growStarted = performance.now();
      for (const size of sizes) {
        await generator.grow(size);
        await generator.growTail(tailEntries);
        const dir = join(scratch, `at-${size}`);
        copyForStart(live, dir);
        checkpoints.set(sizeName(size), { dir, entries: generator.entries, bytes: bytesIn(join(dir, LOG_DIR)) });
        ctx.log(`event log: history of ${generator.entries} entries (${(bytesIn(join(dir, LOG_DIR)) / 1e6).toFixed(0)} MB) after ${((performance.now() - growStarted) / 1000).toFixed(0)} s`);
      }
      const appendRate = generator.entries / ((performance.now() - growStarted) / 1000);
      generator.crash();
      if (generator.warnings.length) throw new Error(`the history warned: ${generator.warnings.slice(0, 3).join('; ')}`);

      const smallest = checkpoints.get(sizeName(sizes[0]))!;
      const replayStarted = performance.now();
      const whole = ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store: new FileStore(smallest.dir), config: { maxLiveSessions: 64 }, clock: (t) => new VirtualClock(t), fromSnapshot: false });
      const replayRate = whole.replayReport.entries / ((performance.now() - replayStarted) / 1000);

      const subjects = [EMPTY, ...checkpoints.keys()];
      const samples = new Map(subjects.map((subject) => [subject, [] as StartSample[]]));
      const replayed = new Map<string, number>();
      for (let round = 0; round < ctx.rounds; round++) {
        for (const subject of subjects) {
          const dir = join(scratch, `start-${round}-${subjects.indexOf(subject)}`);
          if (subject === EMPTY) mkdirSync(dir);
          else copyForStart(checkpoints.get(subject)!.dir, dir);
          const sample = await measureStart(dir);
          if (subject !== EMPTY && !sample.fromSnapshot) throw new Error(`the start on ${subject} did not use a snapshot`);
          samples.get(subject)!.push(sample);
          replayed.set(subject, sample.replayed);
          rmSync(dir, { recursive: true, force: true });
        }
        ctx.log(`event log: start round ${round + 1} of ${ctx.rounds}`);
      }

      const series: Series[] = [
        ...subjects.map((subject) => ({ subject, metric: 'open time', unit: 'ms', better: 'lower' as const, samples: samples.get(subject)!.map((s) => s.ms) })),
        ...subjects.map((subject) => ({ subject, metric: 'RSS after open', unit: 'MiB', better: 'lower' as const, samples: samples.get(subject)!.map((s) => s.rss / 2 ** 20) })),
        ...subjects.map((subject) => ({ subject, metric: 'heap used after open', unit: 'MiB', better: 'lower' as const, samples: samples.get(subject)!.map((s) => s.heapUsed / 2 ** 20) })),
        ...[...checkpoints.keys()].map((subject) => ({ subject, metric: 'writing a snapshot', unit: 'ms', better: 'lower' as const, samples: samples.get(subject)!.flatMap((s) => s.snapshotMs ?? []) })),
        { subject: 'octant-exec', metric: 'log bytes per busy terminal-hour', unit: 'bytes', better: 'lower', samples: [growth.octantExec] },
        { subject: '0.1.0 (an entry a second)', metric: 'log bytes per busy terminal-hour', unit: 'bytes', better: 'lower', samples: [growth.v010] },
        { subject: 'octant-exec', metric: 'append (live, machines included)', unit: 'entries/s', better: 'higher', samples: [appendRate] },
        { subject: 'octant-exec', metric: `full replay of ${smallest.entries} entries (actors + projections)`, unit: 'entries/s', better: 'higher', samples: [replayRate] },
      ];
      return {
        id: this.id,
        title: this.title,
        series,
        ratios: [
          ...[...checkpoints.keys()].flatMap((subject) => (['open time', 'RSS after open', 'heap used after open'] as const).map((metric): [string, string, string] => [subject, EMPTY, metric])),
          ['octant-exec', '0.1.0 (an entry a second)', 'log bytes per busy terminal-hour'],
        ],
        notes: [
          ...[...checkpoints].map(([subject, c]) => {
            const later = median(samples.get(subject)!.map((s) => s.ms)) - median(samples.get(EMPTY)!.map((s) => s.ms));
            return `${subject}: ${c.entries} entries, ${(c.bytes / 1e6).toFixed(1)} MB of segments; a start read the newest snapshot and replayed ${replayed.get(subject)} entries after it, ${later.toFixed(0)} ms after an empty start`;
          }),
          `history: bench/history.ts (live machines, fake cluster, virtual clock, seed 13), stopped as by a crash ${tailEntries} entries after the newest snapshot`,
        ],
      };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

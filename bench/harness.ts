// The benchmark harness: figures measure their subjects interleaved (A B A B …) in one run, so
// machine drift cancels; the harness reports median and min–max and the ratios between
// subjects. Nothing here asserts a time.
import { cpus, totalmem } from 'node:os';
import process from 'node:process';

export interface Series {
  /** who was measured: octant-exec, kubectl, the floor, … */
  subject: string;
  metric: string;
  unit: string;
  /** higher is better (throughput) or lower is better (latency) */
  better: 'higher' | 'lower';
  samples: number[];
}

export interface FigureResult {
  id: string;
  title: string;
  series: Series[];
  /** [subject A, subject B, metric]: report A / B */
  ratios?: [string, string, string][];
  notes?: string[];
}

export interface BenchContext {
  quick: boolean;
  /** how many interleaved rounds a figure should run */
  rounds: number;
  log(message: string): void;
}

export interface Figure {
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<FigureResult>;
  /** after how long the run calls this figure stuck (default 15 minutes): for figures that take long by design */
  stuckMinutes?(quick: boolean): number;
}

export function summarize(samples: number[]): { median: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** The q-quantile (0..1) of samples, nearest rank. */
export function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Run each subject once per round, in turn: A B A B … */
export async function interleave(rounds: number, subjects: Record<string, () => Promise<void>>): Promise<void> {
  for (let round = 0; round < rounds; round++) for (const run of Object.values(subjects)) await run();
}

export function machineFacts() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

const format = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

export function renderTable(figures: FigureResult[]): string {
  const lines: string[] = [];
  for (const figure of figures) {
    lines.push(`\n${figure.id}. ${figure.title}`);
    lines.push('| subject | metric | median | min–max | runs |', '|---|---|---|---|---|');
    for (const s of figure.series) {
      const { median, min, max } = summarize(s.samples);
      lines.push(`| ${s.subject} | ${s.metric} | ${format(median)} ${s.unit} | ${format(min)}–${format(max)} | ${s.samples.length} |`);
    }
    for (const [a, b, metric] of figure.ratios ?? []) {
      const sa = figure.series.find((s) => s.subject === a && s.metric === metric);
      const sb = figure.series.find((s) => s.subject === b && s.metric === metric);
      if (!sa || !sb) continue;
      const ratio = summarize(sa.samples).median / summarize(sb.samples).median;
      lines.push(`- ${metric}: ${a} / ${b} = ${ratio.toFixed(2)}× (${sa.better} is better)`);
    }
    for (const note of figure.notes ?? []) lines.push(`- ${note}`);
  }
  return lines.join('\n') + '\n';
}

// npm run bench [-- --quick] [-- --only 1,6]: every figure, a table, and bench/results/<date>.json.
// A benchmark never fails on slowness: only an exception (something broke) makes the run exit non-zero.
import { mkdirSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { machineFacts, renderTable, type Figure, type FigureResult } from './harness.ts';
import { useRunTempDir } from '../tests/support/run-temp-dir.ts';
import { echoFigure } from './figures/echo.ts';
import { throughputFigure } from './figures/throughput.ts';
import { inputFigure } from './figures/input.ts';
import { firstByteFigure } from './figures/first-byte.ts';
import { scaleFigure } from './figures/scale.ts';
import { batchFigure } from './figures/batch.ts';
import { eventLogFigure } from './figures/event-log.ts';
import { browserFigure } from './figures/browser.ts';
import { startupFigure } from './figures/startup.ts';
import { replicasFigure } from './figures/replicas.ts';
import { filesFigure } from './figures/files.ts';
import { screenFigure } from './figures/screen.ts';
import { recordingFigure } from './figures/recording.ts';

const figures: Figure[] = [echoFigure, throughputFigure, inputFigure, firstByteFigure, scaleFigure, batchFigure, eventLogFigure, browserFigure, startupFigure, replicasFigure, filesFigure, screenFigure, recordingFigure];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set(args[onlyAt + 1]?.split(',')) : undefined;
const chosen = figures.filter((f) => !only || only.has(f.id));

const DEFAULT_STUCK_MINUTES = 15;
const started = performance.now();
const results: FigureResult[] = [];
const failed: { id: string; title: string; error: string }[] = [];
for (const figure of chosen) {
  const at = performance.now();
  process.stderr.write(`figure ${figure.id}: ${figure.title}\n`);
  // A benchmark removes what it creates: each figure's own temp folder shows what it did not.
  const temp = useRunTempDir('octant-exec-bench-');
  // Not a time limit on the figure: a guard so a hang (a broken product) fails the run instead of holding CI forever.
  const stuckMinutes = figure.stuckMinutes?.(quick) ?? DEFAULT_STUCK_MINUTES;
  const watchdog = setTimeout(() => {
    process.stderr.write(`figure ${figure.id} is stuck: no result after ${stuckMinutes} minutes\n`);
    temp.remove();
    process.exit(1);
  }, stuckMinutes * 60_000);
  try {
    results.push(await figure.run({ quick, rounds: quick ? 1 : 3, log: (message) => process.stderr.write(`  ${message}\n`) }));
  } catch (error) {
    // breakage: reported, the other figures still run, and the run exits non-zero at the end
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`figure ${figure.id} broke: ${message}\n`);
    failed.push({ id: figure.id, title: figure.title, error: message.split('\n').slice(0, 3).join(' ') });
  }
  clearTimeout(watchdog);
  const left = temp.leftBehind();
  if (left.length) failed.push({ id: figure.id, title: figure.title, error: `left behind in the temp folder: ${left.join(', ')}` });
  temp.remove();
  process.stderr.write(`  (${((performance.now() - at) / 1000).toFixed(1)} s)\n`);
}

const machine = machineFacts();
const date = new Date().toISOString();
const seconds = (performance.now() - started) / 1000;
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${date.replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`;
writeFileSync(file, JSON.stringify({ date, quick, seconds, machine, figures: results, failed }, null, 2) + '\n');
process.stdout.write(`octant-exec benchmarks, ${date}${quick ? ' (quick)' : ''}, ${seconds.toFixed(0)} s\n${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}\n`);
process.stdout.write(renderTable(results));
for (const f of failed) process.stdout.write(`\n${f.id}. ${f.title}\n- BROKE: ${f.error}\n`);
process.stdout.write(`\nwritten to ${file}\n`);
// sockets, PTYs and child processes are closed by each figure; anything a library left behind must not hold the run
process.exit(failed.length ? 1 : 0);

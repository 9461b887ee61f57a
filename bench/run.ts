// npm run bench [-- --quick] [-- --only 6,7]: every figure, a table, and bench/results/<date>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { machineFacts, renderTable, type Figure, type FigureResult } from './harness.ts';
import { batchFigure } from './figures/batch.ts';
import { eventLogFigure } from './figures/event-log.ts';

const figures: Figure[] = [batchFigure, eventLogFigure];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set(args[onlyAt + 1]?.split(',')) : undefined;
const chosen = figures.filter((f) => !only || only.has(f.id));

const results: FigureResult[] = [];
for (const figure of chosen) {
  process.stderr.write(`figure ${figure.id}: ${figure.title}\n`);
  results.push(await figure.run({ quick, rounds: quick ? 1 : 3, log: (message) => process.stderr.write(`  ${message}\n`) }));
}

const machine = machineFacts();
const date = new Date().toISOString();
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${date.replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`;
writeFileSync(file, JSON.stringify({ date, quick, machine, figures: results }, null, 2) + '\n');
process.stdout.write(`octant-exec benchmarks, ${date}${quick ? ' (quick)' : ''}\n${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}\n`);
process.stdout.write(renderTable(results));
process.stdout.write(`\nwritten to ${file}\n`);

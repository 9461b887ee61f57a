// Where figure 2's CPU goes, process by process (issue #20, goal 5):
//   npx tsx bench/output-cpu.ts [MB=200] [rounds=2]
// Figure 2's two streams (bench/figures/throughput.ts) through octant-exec and through kubectl,
// and for each run the CPU time per MB of every process on the chain, read from /proc (Linux
// only): the server, the sandbox cluster (its Node process and the container's processes),
// kubectl, and this process, which plays the page (and kubectl's terminal). For octant-exec also
// the frames the page got per MB. Written to bench/results/<date>-output-cpu.json. Not a figure:
// it shows what the server's share is, and what passing output on a turn at a time
// (src/runtime/output-batch.ts) changed in it.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { machineFacts, summarize } from './harness.ts';
import { startBenchApp, type BenchTerminal, type Launcher } from './terminals.ts';
import { linesStream, zerosStream } from './figures/throughput.ts';

const mb = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 2);
if (!(mb > 0 && rounds > 0)) throw new Error('usage: npx tsx bench/output-cpu.ts [MB] [rounds]');
const bytes = mb * 1e6;
const ticksPerMs = 100 / 1000; // USER_HZ

interface Proc {
  parent: number;
  cpuMs: number;
  command: string;
}

/** This process's descendants now, with the CPU time (user + system) each has used. */
function descendants(): Map<number, Proc> {
  const all = new Map<number, Proc>();
  for (const name of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // the fields after the command's name, which may hold spaces and parentheses
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // its own time and its reaped children's: the container's producer (head, yes) has exited by the end
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      all.set(Number(name), { parent: Number(fields[1]), cpuMs: ticks / ticksPerMs, command: readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ') });
    } catch {
      // gone meanwhile
    }
  }
  const mine = new Map<number, Proc>();
  const isMine = (pid: number): boolean => pid === process.pid || (all.has(pid) && all.get(pid)!.parent !== pid && isMine(all.get(pid)!.parent));
  for (const [pid, proc] of all) if (pid !== process.pid && isMine(pid)) mine.set(pid, proc);
  return mine;
}

/** Which part of the chain a process is: by its own command line or its nearest ancestor's that says. */
function role(pid: number, procs: Map<number, Proc>): string {
  for (let at: Proc | undefined = procs.get(pid); at; at = procs.get(at.parent)) {
    if (at.command.includes('server-process')) return 'server';
    if (at.command.includes(' sandbox --json')) return 'sandbox';
    if (at.command.includes('kubectl')) return 'kubectl';
  }
  return 'other';
}

/** Reads `bytes` from the terminal; resolves with the chunks it came in. */
function chunksOf(term: BenchTerminal): Promise<number> {
  return new Promise((resolve) => {
    let received = 0;
    let chunks = 0;
    term.listen((chunk) => {
      received += chunk.length;
      chunks++;
      if (received >= bytes) resolve(chunks);
    });
  });
}

const results = new Map<string, number[]>();
const add = (key: string, value: number) => results.set(key, [...(results.get(key) ?? []), value]);
const bench = await startBenchApp();
try {
  const streams = { '/dev/zero': zerosStream(bytes), 'text lines': linesStream(bytes) };
  const subjects: [string, Launcher][] = [['octant-exec', bench.octant], ['kubectl', bench.kubectl]];
  for (let round = 0; round < rounds; round++)
    for (const [stream, command] of Object.entries(streams))
      for (const [subject, launcher] of subjects) {
        const term = await launcher.open(['sh', '-c', command]);
        const before = descendants();
        const self = process.cpuUsage();
        const chunks = await chunksOf(term);
        const after = descendants();
        const mine = process.cpuUsage(self);
        const perMb: Record<string, number> = { 'this process (the page)': (mine.user + mine.system) / 1000 / mb };
        for (const [pid, proc] of after) {
          const part = role(pid, after);
          perMb[part] = (perMb[part] ?? 0) + (proc.cpuMs - (before.get(pid)?.cpuMs ?? 0)) / mb;
        }
        for (const [part, ms] of Object.entries(perMb)) add(`${subject} | ${stream} | ${part}`, ms);
        if (subject === 'octant-exec') add(`${subject} | ${stream} | frames the page got, per MB`, chunks / mb);
        term.close();
        await term.exited;
      }
} finally {
  await bench.close();
}
const date = new Date().toISOString();
const file = `bench/results/${date.replace(/[:.]/g, '-')}-output-cpu.json`;
const sorted = [...results].sort(([a], [b]) => a.localeCompare(b));
mkdirSync('bench/results', { recursive: true });
writeFileSync(file, JSON.stringify({ date, mb, rounds, machine: machineFacts(), perMb: Object.fromEntries(sorted) }, null, 2) + '\n');
console.log(`${rounds} rounds of ${mb} MB; CPU ms per MB, medians (each run's)`);
for (const [key, values] of sorted) console.log(`${key}: ${summarize(values).median.toFixed(2)} (${values.map((v) => v.toFixed(2)).join(', ')})`);
console.log(`written to ${file}`);
process.exit(0);

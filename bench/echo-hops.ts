// Where figure 1's keystroke echo spends its time, hop by hop (issue #20, goal 1):
//   npx tsx bench/echo-hops.ts [round trips=2000]
// Figure 1's set-up (bench/terminals.ts), with the server and the sandbox each loading a probe
// (bench/hop-probe.ts) that stamps every socket read and write with the monotonic clock, which
// every process on the machine shares. Each sequential round trip is then cut at those stamps:
//   octant-exec: page → server → (server works) → sandbox → (sandbox, PTY, cat) → server → (server works) → page
//   kubectl:     kubectl → sandbox → (sandbox, PTY, cat) → kubectl
// and each part's p50 and p99 printed, with the parts of the round trips slower than kubectl's
// p99 in the same run. Not a figure: it attributes figure 1's tail before anything is changed.
import { readFileSync, readdirSync } from 'node:fs';
import process from 'node:process';
import { quantile } from './harness.ts';
import { firstStamp, installHopProbe, type Stamp } from './hop-probe.ts';
import { rawThen, readUntil, startBenchApp, type BenchTerminal } from './terminals.ts';

const count = Number(process.argv[2] ?? 2000);
if (!(count > 0)) throw new Error('usage: npx tsx bench/echo-hops.ts [round trips]');

const probe = installHopProbe();

interface Trip {
  start: number;
  end: number;
}

const now = () => Number(process.hrtime.bigint());

/** CPU time a process has used, user and system, in ms, from /proc (clock ticks of 10 ms: read over thousands of round trips). */
function cpuMs(pid: number): [user: number, system: number] {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return [Number(fields[11]) * 10, Number(fields[12]) * 10];
}

/** The pid of a running kubectl exec (this process's child, through its PTY). */
function kubectlPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[0].includes('kubectl') && argv.includes('exec')) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

function timedRoundTrips(term: BenchTerminal, n: number): Promise<Trip[]> {
  return new Promise((resolve) => {
    const trips: Trip[] = [];
    let sentAt = 0;
    const send = () => {
      sentAt = now();
      term.write('x');
    };
    term.listen((chunk) => {
      for (let i = 0; i < chunk.length; i++) {
        trips.push({ start: sentAt, end: now() });
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

const ms = (ns: number) => ns / 1e6;

/** When the first stamp in [from, to) that matches was taken. */
const first = (stamps: Stamp[], from: number, to: number, match: (s: Stamp) => boolean): number | undefined => firstStamp(stamps, from, to, match)?.[0];
function last(stamps: Stamp[], from: number, to: number, match: (s: Stamp) => boolean): number | undefined {
  let found: number | undefined;
  for (const s of stamps) if (s[0] >= from && s[0] < to && match(s)) found = s[0];
  return found;
}

/** Cuts each trip at the points `cuts` finds; prints each part's p50 and p99, and the parts of the slow trips. */
function report(subject: string, trips: Trip[], parts: string[], cuts: (trip: Trip) => (number | undefined)[], slowOver: number): void {
  const rows = trips.map((trip) => {
    const points = [trip.start, ...cuts(trip), trip.end];
    if (points.some((p) => p === undefined)) return undefined;
    return points.slice(1).map((p, i) => p! - points[i]!);
  });
  const whole = trips.map((t) => t.end - t.start);
  const cut = rows.filter((r): r is number[] => r !== undefined);
  console.log(`\n${subject}: ${trips.length} round trips (${cut.length} cut at every point), p50 ${ms(quantile(whole, 0.5)).toFixed(3)} ms, p99 ${ms(quantile(whole, 0.99)).toFixed(3)} ms`);
  const slow = cut.filter((r) => r.reduce((a, b) => a + b, 0) > slowOver);
  console.log(`| part | p50 ms | p99 ms | mean in the ${slow.length} trips over ${ms(slowOver).toFixed(2)} ms | its share of their excess over the p50s |`);
  console.log('|---|---|---|---|---|');
  const p50s = parts.map((_, i) => quantile(cut.map((r) => r[i]), 0.5));
  const excess = parts.map((_, i) => slow.reduce((sum, r) => sum + Math.max(0, r[i] - p50s[i]), 0));
  const allExcess = excess.reduce((a, b) => a + b, 0) || 1;
  parts.forEach((part, i) => {
    const values = cut.map((r) => r[i]);
    const slowMean = slow.length ? slow.reduce((sum, r) => sum + r[i], 0) / slow.length : 0;
    console.log(`| ${part} | ${ms(p50s[i]).toFixed(3)} | ${ms(quantile(values, 0.99)).toFixed(3)} | ${ms(slowMean).toFixed(3)} | ${((100 * excess[i]) / allExcess).toFixed(0)} % |`);
  });
}

const bench = await startBenchApp({ hub: { messagesPerSecond: 1_000_000 } });
try {
  const serverPort = Number(new URL(bench.app.url).port);

  const runs: Record<string, Trip[]> = {};
  for (const launcher of [bench.octant, bench.kubectl]) {
    const term = await launcher.open(rawThen('cat'));
    await readUntil(term, 'R');
    await timedRoundTrips(term, 50);
    // the CPU each process spent on the round trips, per round trip: on 2 cores, what competes
    const pids: Record<string, number | undefined> = { server: launcher === bench.octant ? probe.pidOf('server') : undefined, sandbox: probe.pidOf('sandbox'), kubectl: launcher === bench.kubectl ? kubectlPid() : undefined };
    const before = Object.fromEntries(Object.entries(pids).map(([who, pid]) => [who, pid && cpuMs(pid)]));
    const own = process.cpuUsage();
    runs[launcher.subject] = await timedRoundTrips(term, count);
    const perTrip = (ms: number) => ((1000 * ms) / count).toFixed(0);
    const spent = Object.entries(pids).filter(([, pid]) => pid).map(([who, pid]) => {
      const [user, system] = cpuMs(pid!);
      const [user0, system0] = before[who] as [number, number];
      return `${who} ${perTrip(user - user0)} + ${perTrip(system - system0)}`;
    });
    const mine = process.cpuUsage(own);
    console.log(`${launcher.subject}: CPU µs per round trip, user + system: ${spent.join(', ')}, this process (the page; kubectl's terminal) ${perTrip(mine.user / 1000)} + ${perTrip(mine.system / 1000)}`);
    term.close();
    await term.exited;
  }
  const server = await probe.stampsOf('server');
  const sandbox = await probe.stampsOf('sandbox');
  // the sandbox's API port: the local port of most of its sockets' stamps (its PTYs have none)
  const ports = new Map<number, number>();
  for (const s of sandbox) if (s[2]) ports.set(s[2], (ports.get(s[2]) ?? 0) + 1);
  const sandboxPort = [...ports].sort((a, b) => b[1] - a[1])[0][0];
  const kubectlP99 = quantile(runs.kubectl.map((t) => t.end - t.start), 0.99);

  // ws opcodes on the first byte of a frame: 0x82 binary (a keystroke, the output), 0x81 text (an ack)
  const BINARY = 0x82;
  const pageIn = (s: Stamp) => s[1] === 'in' && s[2] === serverPort && s[4] === BINARY;
  const pageOut = (s: Stamp) => s[1] === 'out' && s[2] === serverPort && s[4] === BINARY;
  const clusterOut = (s: Stamp) => s[1] === 'out' && s[3] === sandboxPort;
  const clusterIn = (s: Stamp) => s[1] === 'in' && s[3] === sandboxPort;
  // the sandbox's side of the exec connection: the server's or kubectl's, whichever ran then
  const sandboxIn = (s: Stamp) => s[1] === 'in' && s[2] === sandboxPort;
  const sandboxOut = (s: Stamp) => s[1] === 'out' && s[2] === sandboxPort;

  report('octant-exec', runs['octant-exec'], [
    'page → server (the page\'s send, kernel, server wakes)',
    'server: keystroke in → written to the cluster connection',
    'server → sandbox',
    'sandbox: in → PTY → cat → PTY → out',
    'sandbox → server',
    'server: output in → written to the page',
    'server → page (kernel, the page wakes, decodes)',
  ], (trip) => {
    const a = first(server, trip.start, trip.end, pageIn);
    const b = a && first(server, a, trip.end, clusterOut);
    const c = b && first(sandbox, b, trip.end, sandboxIn);
    const d = c && first(sandbox, c, trip.end, sandboxOut);
    const e = d && first(server, d, trip.end, clusterIn);
    const f = e && first(server, e, trip.end, pageOut);
    return [a, b, c, d, e, f];
  }, kubectlP99);
  report('kubectl', runs.kubectl, [
    'kubectl → sandbox (PTY to kubectl, its send, kernel)',
    'sandbox: in → PTY → cat → PTY → out',
    'sandbox → kubectl → its PTY → this process',
  ], (trip) => {
    const c = first(sandbox, trip.start, trip.end, sandboxIn);
    const d = c && last(sandbox, c, trip.end, sandboxOut);
    return [c, d];
  }, kubectlP99);
} finally {
  await bench.close();
  probe.remove();
}
process.exit(0);

// Where figure 4's first byte goes, hop by hop (issue #20, goal 5):
//   npx tsx bench/first-byte-hops.ts [execs=30]
// Figure 4's octant-exec `echo hi` (POST /exec, attach, the first byte on the page), with the
// server and the sandbox each loading bench/hop-probe.ts, which stamps their sockets, connections,
// requests and spawned processes on the clock all processes share. Each exec is cut at those
// stamps, and each part's median and p90 printed, then one exec's whole timeline (the median one).
// The first exec is reported apart: it finds no pod watch on its namespace and starts one.
import process from 'node:process';
import { quantile } from './harness.ts';
import { firstStamp, installHopProbe, type Stamp } from './hop-probe.ts';
import { attachTerminal, inTarget, readUntil, startBenchApp } from './terminals.ts';

const count = Number(process.argv[2] ?? 30);
if (!(count > 1)) throw new Error('usage: npx tsx bench/first-byte-hops.ts [execs, at least 2]');

const probe = installHopProbe({ events: true });
const now = () => Number(process.hrtime.bigint());
const ms = (ns: number) => (ns / 1e6).toFixed(1);

interface Exec {
  post: number;
  answered: number;
  attached: number;
  firstByte: number;
}

const bench = await startBenchApp();
const execs: Exec[] = [];
try {
  await new Promise((r) => setTimeout(r, 1000)); // the server's and sandbox's start-up work done
  for (let i = 0; i < count; i++) {
    const post = now();
    const [sessionId] = await bench.client.exec(inTarget(['echo', 'hi'], false));
    const answered = now();
    const term = await attachTerminal(bench.client, sessionId);
    const attached = now();
    await readUntil(term, 'h');
    execs.push({ post, answered, attached, firstByte: now() });
    await term.exited;
    term.close();
    await new Promise((r) => setTimeout(r, 200)); // the exec's end settled, as figure 4's interleaving lets it
  }
  const server = await probe.stampsOf('server');
  const sandbox = await probe.stampsOf('sandbox');
  const serverPort = Number(new URL(bench.app.url).port);
  const within = (stamps: Stamp[], from: number, to: number) => stamps.filter((s) => s[0] >= from && s[0] <= to);
  const firstOf = (stamps: Stamp[], from: number, to: number, match: (s: Stamp) => boolean) => firstStamp(stamps, from, to, match)?.[0];

  const parts = [
    'page: POST sent → the server has the request',
    'server: request → its connection to the cluster opened',
    'TCP and TLS to the API server',
    'the exec upgrade (→ 101)',
    'sandbox: 101 → the process\'s output read',
    'sandbox: output read → written',
    'sandbox → server',
    'server: output in → written to the page',
    'page: frame → the figure has the byte',
  ];
  const cut = (e: Exec) => {
    const request = firstOf(server, e.post, e.firstByte, (s) => s[1] === 'request' && s[6]!.includes('/exec'));
    const connect = request && firstOf(server, request, e.firstByte, (s) => s[1] === 'connect()');
    const secure = connect ? firstStamp(server, connect, e.firstByte, (s) => s[1] === 'secureConnect') : undefined;
    const port = secure?.[2]; // the server's end of the exec connection
    const upgraded = secure && firstOf(server, secure[0], e.firstByte, (s) => s[1] === 'in' && s[2] === port && s[6]!.startsWith('HTTP/1.1 101'));
    const output = upgraded && firstOf(sandbox, upgraded, e.firstByte, (s) => s[1] === 'in' && !s[2] && s[6]!.startsWith('hi'));
    const written = output && firstOf(sandbox, output, e.firstByte, (s) => s[1] === 'out' && s[3] === port);
    const read = written && firstOf(server, written, e.firstByte, (s) => s[1] === 'in' && s[2] === port);
    const sent = read && firstOf(server, read, e.firstByte, (s) => s[1] === 'out' && s[2] === serverPort);
    const points = [e.post, request, connect, secure?.[0], upgraded, output, written, read, sent, e.firstByte];
    return points.some((p) => p === undefined) ? undefined : points.slice(1).map((p, i) => p! - points[i]!);
  };
  const blocked = (e: Exec) => {
    // the sandbox's event loop held by spawning a process (Node's spawn waits for the exec)
    let total = 0;
    const stamps = within(sandbox, e.post, e.firstByte);
    for (const s of stamps.filter((x) => x[1] === 'spawn()')) total += (stamps.find((x) => x[1] === 'spawned' && x[0] >= s[0])?.[0] ?? s[0]) - s[0];
    return total;
  };

  const [cold, ...warm] = execs;
  console.log(`first exec (starts the pod watch): ${ms(cold.firstByte - cold.post)} ms; the ${warm.length} after it: median ${ms(quantile(warm.map((e) => e.firstByte - e.post), 0.5))} ms`);
  const rows = warm.map(cut).filter((r): r is number[] => r !== undefined);
  console.log(`\n${rows.length} of ${warm.length} execs cut at every point:\n`);
  console.log('| part | median ms | p90 ms |\n|---|---|---|');
  parts.forEach((part, i) => console.log(`| ${part} | ${ms(quantile(rows.map((r) => r[i]), 0.5))} | ${ms(quantile(rows.map((r) => r[i]), 0.9))} |`));
  console.log(`| (within those: the sandbox's event loop held by spawning a process) | ${ms(quantile(warm.map(blocked), 0.5))} | ${ms(quantile(warm.map(blocked), 0.9))} |`);
  const median = [...warm].sort((a, b) => a.firstByte - a.post - (b.firstByte - b.post))[Math.floor(warm.length / 2)];
  console.log(`\nthe median exec (${ms(median.firstByte - median.post)} ms), every stamp:`);
  const timeline: [number, string][] = [
    [median.post, 'page    POST /api/v1/exec sent'],
    [median.answered, 'page    POST answered'],
    [median.attached, 'page    attached'],
    [median.firstByte, 'page    first byte'],
    ...within(server, median.post, median.firstByte).map((s): [number, string] => [s[0], `server  ${s[1]} ${s[2]}→${s[3]} ${s[5] || ''} ${s[6] ?? ''}`]),
    ...within(sandbox, median.post, median.firstByte).map((s): [number, string] => [s[0], `sandbox ${s[1]} ${s[2]}→${s[3]} ${s[5] || ''} ${s[6] ?? ''}`]),
  ];
  for (const [t, what] of timeline.sort((a, b) => a[0] - b[0])) console.log(`${ms(t - median.post).padStart(7)}  ${what}`);
} finally {
  await bench.close();
  probe.remove();
}
process.exit(0);

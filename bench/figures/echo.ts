// Figure 1: keystroke echo. 1-byte round trips through an interactive `cat` in raw mode
// (`stty raw -echo`), sequential, for octant-exec (scripted page → server → client-node adapter →
// sandbox), kubectl exec -it (in a PTY, against the same sandbox), and the floors: the same
// command in a bare PTY, and a 1-byte echo over a bare `ws` between two Node processes.
// Every chain is warmed before it is measured: its Node processes (the server, the sandbox that
// stands in for the cluster's Go programs, the page's socket client) optimize their hot paths in
// their first few terminals, and the tail of the round trips is there while they do and gone
// once they stop (bench/README.md, "The tail was a cold server"). A server in use is warm; a
// freshly started one is measured beside it, as its own subject.
import { interleave, quantile, type Figure, type Series } from '../harness.ts';
import { roundTrips, WsFloor } from '../measure.ts';
import { rawThen, readUntil, startBenchApp, type Launcher } from '../terminals.ts';

/** untimed round trips through a new terminal before its measured ones */
const WARMUP = 20;
/**
 * Untimed terminals through each chain before the first round, and round trips in each: past V8's
 * optimizing of the hot path, which takes a few terminals (each one's end and the next one's start
 * deoptimize some of what the last optimized), not only many keystrokes in one.
 */
const warmUp = (quick: boolean) => (quick ? { terminals: 2, trips: 500 } : { terminals: 5, trips: 2_000 });
const FRESH = 'octant-exec, fresh server';

export const echoFigure: Figure = {
  id: '1',
  title: 'Keystroke echo: 1-byte round trips through `cat` in raw mode (sequential)',
  async run(ctx) {
    const count = ctx.quick ? 200 : 2000;
    // 2000 keystrokes as fast as they echo pass the server's control-message rate (200 a second,
    // bursts of 1000), which counts input frames too: raised here, probed in figure 3.
    const bench = await startBenchApp({ hub: { messagesPerSecond: 1_000_000 } });
    const floorWs = await WsFloor.start();
    const p50: Record<string, number[]> = {};
    const p99: Record<string, number[]> = {};
    const record = (subject: string, times: number[]) => {
      (p50[subject] ??= []).push(quantile(times, 0.5));
      (p99[subject] ??= []).push(quantile(times, 0.99));
    };
    /** `measured` round trips through a new terminal of `launcher`, after WARMUP untimed */
    const through = async (launcher: Launcher, measured: number) => {
      const term = await launcher.open(rawThen('cat'));
      try {
        await readUntil(term, 'R');
        await roundTrips(term, WARMUP);
        return await roundTrips(term, measured);
      } finally {
        term.close();
        await term.exited;
      }
    };
    const viaTerminal = (launcher: Launcher) => async () => record(launcher.subject, await through(launcher, count));
    const warm = warmUp(ctx.quick);
    try {
      for (let i = 0; i < warm.terminals; i++) {
        for (const launcher of [bench.octant, bench.kubectl, bench.floor]) await through(launcher, warm.trips);
        await floorWs.roundTrips(warm.trips);
      }
      await interleave(ctx.rounds, {
        octant: viaTerminal(bench.octant),
        fresh: async () => {
          const fresh = await bench.freshOctant(FRESH);
          try {
            record(FRESH, await through(fresh, count));
          } finally {
            await fresh.close();
          }
        },
        kubectl: viaTerminal(bench.kubectl),
        pty: viaTerminal(bench.floor),
        ws: async () => {
          await floorWs.roundTrips(WARMUP);
          record('bare ws', await floorWs.roundTrips(count));
        },
      });
    } finally {
      floorWs.close();
      await bench.close();
    }
    const series: Series[] = [];
    for (const subject of Object.keys(p50)) {
      series.push({ subject, metric: 'p50 echo', unit: 'ms', better: 'lower', samples: p50[subject] });
      series.push({ subject, metric: 'p99 echo', unit: 'ms', better: 'lower', samples: p99[subject] });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const gap = (a: string, b: string, of: Record<string, number[]>) => (median(of[a]) - median(of[b])).toFixed(3);
    return {
      id: this.id,
      title: this.title,
      series,
      ratios: [
        ['octant-exec', 'kubectl', 'p50 echo'],
        ['octant-exec', 'kubectl', 'p99 echo'],
        [FRESH, 'kubectl', 'p99 echo'],
        ['octant-exec', 'bare PTY', 'p50 echo'],
        ['kubectl', 'bare PTY', 'p50 echo'],
      ],
      notes: [
        `${count} round trips per run, after ${WARMUP} unmeasured; each run's p50 and p99 are one sample`,
        `${ctx.quick ? `not warm (a smoke check): ${warm.terminals} untimed terminals of ${warm.trips} round trips first` : `every chain warmed first by ${warm.terminals} untimed terminals of ${warm.trips} round trips each`} (the server, the sandbox, the page's client, the floors' processes); "${FRESH}": a server process started for the round, against the same sandbox, measured from its first keystrokes`,
        'octant-exec runs with messagesPerSecond raised: by default every input frame counts against 200 messages a second (bursts of 1000), so sequential typing this fast loses keystrokes (figure 3 probes it)',
        `octant-exec − kubectl: p50 ${gap('octant-exec', 'kubectl', p50)} ms, p99 ${gap('octant-exec', 'kubectl', p99)} ms (both cross the same sandbox, so this is the server's and page protocol's own cost against kubectl's)`,
        `octant-exec − bare PTY: p50 ${gap('octant-exec', 'bare PTY', p50)} ms (everything between a keystroke and the process: page socket, server, adapter, sandbox)`,
      ],
    };
  },
};

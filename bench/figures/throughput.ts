// Figure 2: output throughput. `head -c N /dev/zero`, and a text stream (`yes`-style lines), in a
// raw-mode terminal so the byte count is exact, to a reader that consumes and acknowledges like
// the page: MB/s from the first byte to the last, for octant-exec, kubectl -it in a PTY, the
// command in a bare PTY, and a bare `ws` stream between two Node processes; octant-exec and kubectl
// also against a sandbox whose containers are not isolated, for what isolation costs. Peak RSS of the
// server process while octant-exec streams (kubectl's run shows what the sandbox alone costs), and
// the server's CPU time per MB it passed on.
import { interleave, type Figure, type Series } from '../harness.ts';
import { drain, WsFloor } from '../measure.ts';
import { startBenchApp, type Launcher } from '../terminals.ts';

const LINE = 'the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJ';
// `exec cat` keeps the terminal open after the stream: a PTY whose process has exited may lose its last output
/** the figure's streams, as a command for `sh -c`: `bytes` of zeros, and of text lines */
export const zerosStream = (bytes: number) => `stty raw -echo && head -c ${bytes} /dev/zero && exec cat`;
export const linesStream = (bytes: number) => `stty raw -echo && yes '${LINE}' | head -c ${bytes} && exec cat`;

export const throughputFigure: Figure = {
  id: '2',
  title: 'Output throughput to a reader that acknowledges like the page',
  async run(ctx) {
    const bytes = ctx.quick ? 20_000_000 : 200_000_000;
    const streams = { zeros: zerosStream(bytes), text: linesStream(bytes) };
    const bench = await startBenchApp();
    const unisolated = await startBenchApp({ isolation: 'none' });
    const floorWs = await WsFloor.start();
    const mbps: Record<string, Record<string, number[]>> = { zeros: {}, text: {} };
    const rssGrowth: Record<string, number[]> = {};
    const serverCpu: Record<string, number[]> = {};
    const rssStart: number[] = [];
    const rssPeaks: number[] = [];
    const baseline = (await bench.usage()).rss;

    /** samples the server's RSS every 50 ms while `work` runs; returns its peak */
    const watchRss = async (work: Promise<unknown>): Promise<number> => {
      let peak = (await bench.usage()).rss;
      let done = false;
      void work.finally(() => (done = true));
      while (!done) {
        peak = Math.max(peak, (await bench.usage()).rss);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return Math.max(peak, (await bench.usage()).rss);
    };
    const viaTerminal = (launcher: Launcher, stream: keyof typeof streams) => async () => {
      const term = await launcher.open(['sh', '-c', streams[stream]]);
      // the server's memory and CPU only for the main bench app's subjects
      const measured = launcher === bench.octant || launcher === bench.kubectl;
      const before = measured ? await bench.usage() : undefined;
      if (before) rssStart.push(before.rss);
      const rate = drain(term, bytes);
      const peak = before ? await watchRss(rate) : 0;
      (mbps[stream][launcher.subject] ??= []).push(await rate);
      if (before) {
        rssPeaks.push(peak);
        const key = `${launcher.subject}, ${stream}`;
        (rssGrowth[key] ??= []).push((peak - before.rss) / 2 ** 20);
        if (launcher === bench.octant) (serverCpu[key] ??= []).push(((await bench.usage()).cpuMs - before.cpuMs) / (bytes / 1e6));
      }
      term.close();
      await term.exited;
    };
    try {
      await interleave(ctx.rounds, {
        octantZeros: viaTerminal(bench.octant, 'zeros'),
        unisolatedZeros: viaTerminal(unisolated.octant, 'zeros'),
        kubectlZeros: viaTerminal(bench.kubectl, 'zeros'),
        kubectlUnisolatedZeros: viaTerminal(unisolated.kubectl, 'zeros'),
        ptyZeros: viaTerminal(bench.floor, 'zeros'),
        ws: async () => void (mbps.zeros['bare ws'] ??= []).push(await floorWs.stream(bytes)),
        octantText: viaTerminal(bench.octant, 'text'),
        unisolatedText: viaTerminal(unisolated.octant, 'text'),
        kubectlText: viaTerminal(bench.kubectl, 'text'),
        kubectlUnisolatedText: viaTerminal(unisolated.kubectl, 'text'),
        ptyText: viaTerminal(bench.floor, 'text'),
      });
    } finally {
      floorWs.close();
      await bench.close();
      await unisolated.close();
    }
    ctx.log(`throughput: ${bytes / 1e6} MB per run`);
    const series: Series[] = [];
    const streamName = (stream: string) => (stream === 'zeros' ? '/dev/zero' : 'text lines');
    for (const [stream, bySubject] of Object.entries(mbps))
      for (const [subject, samples] of Object.entries(bySubject)) series.push({ subject, metric: streamName(stream), unit: 'MB/s', better: 'higher', samples });
    for (const [key, samples] of Object.entries(rssGrowth)) {
      const [subject, stream] = key.split(', ');
      series.push({ subject, metric: `server RSS growth during the run, ${streamName(stream)}`, unit: 'MiB', better: 'lower', samples });
    }
    for (const [key, samples] of Object.entries(serverCpu)) {
      const [subject, stream] = key.split(', ');
      series.push({ subject, metric: `server CPU per MB, ${streamName(stream)}`, unit: 'ms', better: 'lower', samples });
    }
    return {
      id: this.id,
      title: this.title,
      series,
      ratios: [
        ['octant-exec', 'kubectl', '/dev/zero'],
        ['octant-exec', 'kubectl', 'text lines'],
        ['octant-exec', 'bare PTY', '/dev/zero'],
        ['octant-exec', 'octant-exec, unisolated sandbox', '/dev/zero'],
        ['octant-exec', 'octant-exec, unisolated sandbox', 'text lines'],
        ['kubectl', 'kubectl, unisolated sandbox', '/dev/zero'],
        ['kubectl', 'kubectl, unisolated sandbox', 'text lines'],
      ],
      notes: [
        `${bytes / 1e6} MB per run; MB = 10^6 bytes; the terminal is in raw mode so exactly that many bytes arrive`,
        'server CPU per MB: the octant-exec server process\'s CPU time (user + system) from the opened terminal to its last byte, over the MB it passed on (the 50 ms RSS samples included)',
        `server RSS: the octant-exec server process alone (the sandbox cluster runs in another process), sampled every 50 ms; growth = peak during the run − RSS at its start. ${(baseline / 2 ** 20).toFixed(0)} MiB when idle at the start, ${(Math.min(...rssStart) / 2 ** 20).toFixed(0)}–${(Math.max(...rssStart) / 2 ** 20).toFixed(0)} MiB at the start of the runs, ${(Math.max(...rssPeaks) / 2 ** 20).toFixed(0)} MiB at most. kubectl's row is the same server process, idle meanwhile (kubectl does not go through it): a control for the noise`,
      ],
    };
  },
};

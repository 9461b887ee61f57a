// Figure 3: input throughput. N bytes pasted into `head -c N | wc -c` in a raw-mode terminal
// (raw: no line discipline limit, no echo), from the first byte written to the count printed:
// MB/s for octant-exec, kubectl -it in a PTY, and the bare PTY. The server's input limit
// (`inputBytesPerSecond`, default 1 MiB/s, bursts of 4 MiB) is raised for the MB/s figure so it
// measures the path, and a probe shows what the default limit does to the same paste.
import type { ServerMessage } from '../../src/protocol/index.ts';
import { interleave, type Figure } from '../harness.ts';
import { paste } from '../measure.ts';
import { octantExec, readUntil, startBenchApp, type Launcher } from '../terminals.ts';

/** keystrokes sent at once by the rate probe */
const KEYS = 1500;

export const inputFigure: Figure = {
  id: '3',
  title: 'Input throughput: a paste into `wc -c`',
  async run(ctx) {
    const bytes = ctx.quick ? 5_000_000 : 50_000_000;
    const command = ['sh', '-c', `stty raw -echo && printf R && head -c ${bytes} | wc -c && exec cat`];
    const mbps: Record<string, number[]> = {};
    // raised: the input limit (1 MiB/s) and the message rate (200/s, which every input frame counts against)
    const bench = await startBenchApp({ hub: { inputBytesPerSecond: 2 ** 30, messagesPerSecond: 1_000_000 } });
    const viaTerminal = (launcher: Launcher) => async () => {
      const term = await launcher.open(command);
      await readUntil(term, 'R');
      const counted = readUntil(term, new RegExp(`${bytes}\\s`));
      const started = performance.now();
      paste(term, bytes);
      await counted;
      (mbps[launcher.subject] ??= []).push(bytes / 1e6 / ((performance.now() - started) / 1000));
      term.close();
      await term.exited;
    };
    try {
      await interleave(ctx.rounds, { octant: viaTerminal(bench.octant), kubectl: viaTerminal(bench.kubectl), pty: viaTerminal(bench.floor) });
    } finally {
      await bench.close();
    }

    // The same paste with the default input limit: how much of it the server refuses.
    const probeBytes = 5_000_000;
    const defaults = await startBenchApp();
    let refused = 0;
    let sent = 0;
    let keysRefused = 0;
    try {
      const errors: ServerMessage[] = [];
      const stop = defaults.client.onMessage((m) => m.type === 'error' && errors.push(m));
      // refusals are what this probe counts: they must not end the run
      const term = await octantExec(defaults.client, () => {}).open(['sh', '-c', 'stty raw -echo && printf R && exec cat >/dev/null']);
      await readUntil(term, 'R');
      const piece = 64 * 1024;
      for (let left = probeBytes; left > 0; left -= piece) {
        term.write(new Uint8Array(Math.min(piece, left)).fill(97));
        sent++;
      }
      // a pod watch after the paste: the server answers it after every answer to the paste's frames
      await new Promise<void>((resolve) => {
        const off = defaults.client.onMessage((m) => m.type === 'pods' && (off(), resolve()));
        defaults.client.watchPods('default');
      });
      refused = errors.filter((m) => m.type === 'error' && m.code === 'rateLimited').length;
      // The same socket, a while later (the buckets full again): keystrokes, one frame each, as fast as a script types them.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      errors.length = 0;
      for (let i = 0; i < KEYS; i++) term.write('k');
      // the watch below must not be refused itself: let the bucket refill a little first
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await new Promise<void>((resolve) => {
        const off = defaults.client.onMessage((m) => m.type === 'pods' && (off(), resolve()));
        defaults.client.watchPods('batch');
      });
      keysRefused = errors.filter((m) => m.type === 'error' && m.code === 'rateLimited').length;
      stop();
      term.close();
    } finally {
      await defaults.close();
    }
    const series = Object.entries(mbps).map(([subject, samples]) => ({ subject, metric: `paste ${bytes / 1e6} MB`, unit: 'MB/s', better: 'higher' as const, samples }));
    return {
      id: this.id,
      title: this.title,
      series,
      ratios: [
        ['octant-exec', 'kubectl', `paste ${bytes / 1e6} MB`],
        ['octant-exec', 'bare PTY', `paste ${bytes / 1e6} MB`],
      ],
      notes: [
        'written in 64 KiB pieces as fast as the writer accepts them; timed from the first byte written to the count on screen',
        'octant-exec here runs with inputBytesPerSecond raised to 1 GiB/s and messagesPerSecond to 10^6, to measure the path rather than the limits',
        `with the default limit (1 MiB/s, bursts of 4 MiB): of a ${probeBytes / 1e6} MB paste sent at once in ${sent} frames of 64 KiB, ${refused} frames were refused (rateLimited) and never reached the process`,
        `with the default message rate (200/s, bursts of 1000), which input frames count against: of ${KEYS} one-byte keystrokes sent at once, ${keysRefused} were refused (rateLimited)`,
      ],
    };
  },
};

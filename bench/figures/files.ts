// Figure 11: files in and out. A file of 1 GiB (quick 64 MiB) of random bytes copied into a
// container and back with `octant-exec cp` (the CLI from the sources, through the server's file
// routes) and with `kubectl cp` 1.33 against the same sandbox: MB/s each way, and the server's
// RSS growth while octant-exec copies (the promise: under 64 MiB for any size, the bytes being
// streamed). Every copy's sha256 is checked: a copy that differs breaks the figure.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { once } from 'node:events';
import { interleave, type Figure, type Series } from '../harness.ts';
import { startBenchApp, TARGET } from '../terminals.ts';

const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const CLI = new URL('../../src/cli/main.ts', import.meta.url).pathname;

export const filesFigure: Figure = {
  id: '11',
  title: 'Files in and out: a large file copied into a container and back',
  stuckMinutes: () => 40,
  async run(ctx) {
    const bytes = ctx.quick ? 64 * 2 ** 20 : 2 ** 30;
    const dir = mkdtempSync(join(tmpdir(), 'files-figure-'));
    const bench = await startBenchApp();
    const source = join(dir, 'source.bin');
    const expected = await writeRandom(source, bytes);
    const rate: Record<string, number[]> = {};
    const growth: number[] = [];
    const peaks: number[] = [];
    const remote = `${TARGET.namespace}/${TARGET.pod}:/tmp/files-figure.bin`;

    const run = async (program: string, args: string[], env: Record<string, string> = {}) => {
      const child = spawn(program, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (c) => (stderr += c));
      const [code] = (await once(child, 'close')) as [number];
      if (code !== 0) throw new Error(`${program} ${args.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`);
    };
    const octant = (from: string, to: string) =>
      run(process.execPath, ['--import', 'tsx', CLI, 'cp', '-c', TARGET.container, from, to], { OCTANT_EXEC_URL: bench.app.url, OCTANT_EXEC_TOKEN: bench.app.token });
    const kubectl = (from: string, to: string) => run(KUBECTL, ['--kubeconfig', bench.app.kubeconfigPath, 'cp', '-c', TARGET.container, from, to]);

    /** one way, timed, with the server's RSS sampled every 50 ms (growth = peak − start) */
    const timed = async (label: string, work: () => Promise<void>, watchServer: boolean) => {
      const start = (await bench.usage()).rss;
      let peak = start;
      let done = false;
      const began = performance.now();
      const finished = work().finally(() => (done = true));
      while (watchServer && !done) {
        peak = Math.max(peak, (await bench.usage()).rss);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await finished;
      (rate[label] ??= []).push(bytes / 1e6 / ((performance.now() - began) / 1000));
      if (watchServer) {
        peak = Math.max(peak, (await bench.usage()).rss);
        peaks.push(peak);
        growth.push((peak - start) / 2 ** 20);
      }
    };
    const roundTrip = (subject: string, copy: (from: string, to: string) => Promise<void>, watchServer: boolean) => async () => {
      const back = join(dir, `${subject}.bin`);
      await timed(`${subject}, in`, () => copy(source, remote), watchServer);
      await timed(`${subject}, out`, () => copy(remote, back), watchServer);
      const got = await sha256(back);
      rmSync(back, { force: true });
      if (got !== expected) throw new Error(`${subject}: the copy that came back has sha256 ${got}, not ${expected}`);
    };
    try {
      await interleave(ctx.rounds, { octant: roundTrip('octant-exec cp', octant, true), kubectl: roundTrip('kubectl cp', kubectl, false) });
    } finally {
      await bench.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const series: Series[] = Object.entries(rate).map(([label, samples]) => {
      const [subject, way] = label.split(', ');
      return { subject, metric: `${bytes / 2 ** 20} MiB ${way === 'in' ? 'into' : 'out of'} a container`, unit: 'MB/s', better: 'higher', samples };
    });
    series.push({ subject: 'octant-exec cp', metric: 'server RSS growth during a copy', unit: 'MiB', better: 'lower', samples: growth });
    return {
      id: this.id,
      title: this.title,
      series,
      ratios: [
        ['octant-exec cp', 'kubectl cp', `${bytes / 2 ** 20} MiB into a container`],
        ['octant-exec cp', 'kubectl cp', `${bytes / 2 ** 20} MiB out of a container`],
      ],
      notes: [
        `every copy came back with the source's sha256 (${expected.slice(0, 16)}…); octant-exec cp runs from the sources (tsx), through the server process alone (the sandbox runs in another)`,
        `server RSS sampled every 50 ms during each copy, ${(Math.max(...peaks) / 2 ** 20).toFixed(0)} MiB at most; the promise is a growth under 64 MiB for any size`,
      ],
    };
  },
};

async function writeRandom(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let left = bytes; left > 0; ) {
    const chunk = randomBytes(Math.min(left, 1 << 20));
    hash.update(chunk);
    left -= chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

// Figure 4: time to first byte. From the exec request to the first byte of `echo hi` (no TTY),
// and to a shell prompt (`sh` in a TTY): octant-exec (POST /exec, attach, first frame), kubectl
// exec (process start included, as a user runs it), and the same command started locally (floor);
// octant-exec and kubectl also against a sandbox whose containers are not isolated, for what
// isolation costs.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { interleave, quantile, type Figure, type Series } from '../harness.ts';
import { kubectl133 } from '../processes.ts';
import { attachTerminal, inTarget, readUntil, startBenchApp, TARGET, type BenchApp, type BenchTerminal, type Launcher } from '../terminals.ts';

const PROMPT = /[$#] $/;

/** ms from spawning a process to its first stdout byte. */
function firstStdout(command: string, args: string[], env: Record<string, string | undefined>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let at = 0;
    child.stdout.once('data', () => (at = performance.now() - started));
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => (code === 0 && at ? resolve(at) : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}

async function untilPrompt(open: () => Promise<BenchTerminal>): Promise<number> {
  const started = performance.now();
  const term = await open();
  await readUntil(term, PROMPT);
  const elapsed = performance.now() - started;
  term.close();
  await term.exited;
  return elapsed;
}

export const firstByteFigure: Figure = {
  id: '4',
  title: 'Time to first byte: `echo hi`, and an interactive shell to its prompt',
  async run(ctx) {
    const runs = ctx.quick ? 10 : 50;
    const bench: BenchApp = await startBenchApp();
    const unisolated: BenchApp = await startBenchApp({ isolation: 'none' });
    const kubectlArgs = (app: BenchApp) => ['--kubeconfig', app.app.kubeconfigPath, '--cache-dir', join(app.kubectlHome, 'cache'), '-n', TARGET.namespace, 'exec', TARGET.pod, '-c', TARGET.container, '--'];
    const env = (app: BenchApp) => ({ ...process.env, HOME: app.kubectlHome });
    const samples: Record<string, Record<string, number[]>> = { 'echo hi': {}, prompt: {} };
    const add = (metric: string, subject: string, ms: number): void => {
      (samples[metric][subject] ??= []).push(ms);
    };
    try {
      for (const app of [bench, unisolated]) await firstStdout(kubectl133, [...kubectlArgs(app), 'true'], env(app)).catch(() => {}); // warm kubectl's discovery cache, as a user's is
      const octantEcho = (app: BenchApp) => async () => {
        const started = performance.now();
        const [sessionId] = await app.client.exec(inTarget(['echo', 'hi'], false));
        const term = await attachTerminal(app.client, sessionId);
        await readUntil(term, 'h');
        add('echo hi', app.octant.subject, performance.now() - started);
        await term.exited;
        term.close();
      };
      const kubectlEcho = (app: BenchApp) => async () => add('echo hi', app.kubectl.subject, await firstStdout(kubectl133, [...kubectlArgs(app), 'echo', 'hi'], env(app)));
      const prompt = (launcher: Launcher) => async () => add('prompt', launcher.subject, await untilPrompt(() => launcher.open(['sh'])));
      await interleave(runs, {
        octantEcho: octantEcho(bench),
        unisolatedEcho: octantEcho(unisolated),
        kubectlEcho: kubectlEcho(bench),
        kubectlUnisolatedEcho: kubectlEcho(unisolated),
        localEcho: async () => add('echo hi', 'local process', await firstStdout('echo', ['hi'], process.env)),
        octantPrompt: prompt(bench.octant),
        unisolatedPrompt: prompt(unisolated.octant),
        kubectlPrompt: prompt(bench.kubectl),
        kubectlUnisolatedPrompt: prompt(unisolated.kubectl),
        ptyPrompt: prompt(bench.floor),
      });
    } finally {
      await bench.close();
      await unisolated.close();
    }
    const series: Series[] = [];
    const notes: string[] = [`${runs} runs of each, interleaved; p50 and p99 by nearest rank`];
    for (const [metric, bySubject] of Object.entries(samples)) {
      for (const [subject, s] of Object.entries(bySubject)) {
        series.push({ subject, metric: metric === 'echo hi' ? 'first byte of `echo hi`' : 'shell prompt', unit: 'ms', better: 'lower', samples: s });
        notes.push(`${subject}, ${metric}: p50 ${quantile(s, 0.5).toFixed(1)} ms, p99 ${quantile(s, 0.99).toFixed(1)} ms`);
      }
    }
    notes.push('kubectl includes starting the kubectl process (a user types the command); octant-exec includes POST /exec, attach and the first frame on an open page');
    return {
      id: this.id,
      title: this.title,
      series,
      ratios: [
        ['octant-exec', 'kubectl', 'first byte of `echo hi`'],
        ['octant-exec', 'kubectl', 'shell prompt'],
        ['octant-exec', 'bare PTY', 'shell prompt'],
        ['octant-exec', 'octant-exec, unisolated sandbox', 'first byte of `echo hi`'],
        ['octant-exec', 'octant-exec, unisolated sandbox', 'shell prompt'],
        ['kubectl', 'kubectl, unisolated sandbox', 'first byte of `echo hi`'],
        ['kubectl', 'kubectl, unisolated sandbox', 'shell prompt'],
      ],
      notes,
    };
  },
};

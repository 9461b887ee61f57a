// Figure 9: start-up, each a fresh process as a user starts it (the built program, by Node):
// `octant-exec --help` to its end, and the ready line with a kubeconfig and with --sandbox (a
// fresh state directory each), against `node -e 0` (the floor: Node's own start) and
// `kubectl version --client` in the same run; and `--help` run from the sources through tsx,
// as the bin did before the build.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { startSandbox } from '../../src/sandbox/index.ts';
import { builtProgram } from '../built-program.ts';
import { interleave, summarize, type Figure } from '../harness.ts';
import { kubectl133, timed, tsx } from '../processes.ts';

const METRIC = 'wall time to the end, or to the ready line';
const GOALS: Record<string, number> = { 'octant-exec --help': 150, 'octant-exec ready, kubeconfig': 500, 'octant-exec ready, --sandbox': 800 };

/** ms from spawning to the first line on stdout; then the process is stopped (not timed). */
function untilReady(command: string, args: string[], env: Record<string, string | undefined>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let ready = 0;
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.once('data', () => {
      ready = performance.now() - started;
      child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('close', () => (ready ? resolve(ready) : reject(new Error(`${command} ${args.join(' ')} ended before its ready line: ${stderr.slice(-500)}`))));
  });
}

export const startupFigure: Figure = {
  id: '9',
  title: 'Start-up: --help, and the ready line with a kubeconfig and with the sandbox (cold process starts)',
  async run(ctx) {
    const runs = ctx.quick ? 3 : 10;
    const bin = await builtProgram();
    const scratch = mkdtempSync(join(tmpdir(), 'octant-exec-bench-startup-'));
    const sandbox = await startSandbox({ stateDir: join(scratch, 'cluster') });
    const env = { ...process.env, HOME: scratch };
    const samples: Record<string, number[]> = {};
    const add = (subject: string) => (ms: number) => void (samples[subject] ??= []).push(ms);
    const stateDir = () => mkdtempSync(join(scratch, 'state-'));
    try {
      await interleave(runs, {
        node: async () => add('node -e 0')(await timed(process.execPath, ['-e', '0'], { env })),
        kubectl: async () => add('kubectl version --client')(await timed(kubectl133, ['version', '--client'], { env })),
        help: async () => add('octant-exec --help')(await timed(process.execPath, [bin, '--help'], { env })),
        kubeconfig: async () => add('octant-exec ready, kubeconfig')(await untilReady(process.execPath, [bin, '--kubeconfig', sandbox.kubeconfigPath, '--json', '--port', '0', '--state-dir', stateDir()], env)),
        sandbox: async () => add('octant-exec ready, --sandbox')(await untilReady(process.execPath, [bin, '--sandbox', '--json', '--port', '0', '--state-dir', stateDir()], env)),
        source: async () => add('tsx src/cli/main.ts --help (before the build)')(await timed(tsx, ['src/cli/main.ts', '--help'], { env })),
      });
    } finally {
      await sandbox.close();
      rmSync(scratch, { recursive: true, force: true });
    }
    const notes = [`${runs} cold starts of each, interleaved; the ready line is the first line of --json, read by the bench; each start gets a fresh state directory`];
    for (const [subject, goal] of Object.entries(GOALS)) {
      const median = summarize(samples[subject]).median;
      notes.push(`${subject}: median ${median.toFixed(0)} ms against a goal of ${goal} ms (${median <= goal ? 'within' : 'over'})`);
    }
    return {
      id: this.id,
      title: this.title,
      series: Object.entries(samples).map(([subject, s]) => ({ subject, metric: METRIC, unit: 'ms', better: 'lower' as const, samples: s })),
      ratios: [
        ['octant-exec --help', 'node -e 0', METRIC],
        ['octant-exec --help', 'kubectl version --client', METRIC],
        ['octant-exec ready, kubeconfig', 'node -e 0', METRIC],
        ['octant-exec ready, --sandbox', 'node -e 0', METRIC],
        ['tsx src/cli/main.ts --help (before the build)', 'octant-exec --help', METRIC],
      ],
      notes,
    };
  },
};

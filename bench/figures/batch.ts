// Figure 6: `true` in every container of N pods × 2 containers: octant-exec batch (default
// concurrency; the built program, by Node) against a sequential kubectl loop and `xargs -P 8`
// kubectl, all against the same sandbox cluster, each a whole command as a user runs it
// (process start included).
import { rmSync } from 'node:fs';
import process from 'node:process';
import { startSandbox } from '../../src/sandbox/index.ts';
import { builtProgram } from '../built-program.ts';
import { interleave, type Figure } from '../harness.ts';
import { benchFixture } from '../sandbox-fixture.ts';
import { kubectl133, kubectlHome, timed } from '../processes.ts';

export const batchFigure: Figure = {
  id: '6',
  title: 'Batch: `true` in every container of N pods × 2 containers (wall time)',
  async run(ctx) {
    const pods = ctx.quick ? 10 : 50;
    const bin = await builtProgram();
    const sandbox = await startSandbox({ fixture: benchFixture(pods) });
    const home = kubectlHome();
    const kubectlArgs = ['--kubeconfig', sandbox.kubeconfigPath, '--cache-dir', `${home}/cache`, '-n', 'bench', 'exec'];
    const targets = Array.from({ length: pods }, (_, i) => [`bench-${i}`, 'main', `bench-${i}`, 'side']).flat();
    const pairs = Array.from({ length: targets.length / 2 }, (_, i) => `${targets[2 * i]} ${targets[2 * i + 1]}`).join('\n') + '\n';
    const samples: Record<string, number[]> = { 'octant-exec batch': [], 'kubectl loop': [], 'xargs -P 8 kubectl': [] };
    try {
      const octantBatch = () => timed(process.execPath, [bin, 'batch', '--kubeconfig', sandbox.kubeconfigPath, '-n', 'bench', '-l', 'app=bench', '--all-containers', '--', 'true']);
      await timed(kubectl133, [...kubectlArgs, 'bench-0', '-c', 'main', '--', 'true'], { env: { HOME: home } }); // warm the discovery cache
      await octantBatch(); // and every pod: the sandbox starts a pod's container launcher at its first exec, for every subject alike
      await interleave(ctx.rounds, {
        octant: async () => {
          samples['octant-exec batch'].push(await octantBatch());
        },
        loop: async () => {
          const started = performance.now();
          for (let i = 0; i < targets.length; i += 2) await timed(kubectl133, [...kubectlArgs, targets[i], '-c', targets[i + 1], '--', 'true'], { env: { HOME: home } });
          samples['kubectl loop'].push(performance.now() - started);
        },
        xargs: async () => {
          const script = `exec ${kubectl133} ${kubectlArgs.join(' ')} "$0" -c "$1" -- true`;
          samples['xargs -P 8 kubectl'].push(await timed('xargs', ['-P', '8', '-n', '2', 'sh', '-c', script], { input: pairs, env: { HOME: home } }));
        },
      });
    } finally {
      await sandbox.close();
      rmSync(home, { recursive: true, force: true });
    }
    ctx.log(`batch: ${pods * 2} execs per run`);
    return {
      id: this.id,
      title: this.title,
      series: Object.entries(samples).map(([subject, s]) => ({ subject, metric: `wall time, ${pods * 2} execs`, unit: 'ms', better: 'lower' as const, samples: s })),
      ratios: [
        ['kubectl loop', 'octant-exec batch', `wall time, ${pods * 2} execs`],
        ['xargs -P 8 kubectl', 'octant-exec batch', `wall time, ${pods * 2} execs`],
      ],
      notes: ['ratios above 1 mean octant-exec batch is faster', 'octant-exec batch includes starting Node and the built program (bin/octant-exec.mjs); kubectl runs include their process start too'],
    };
  },
};

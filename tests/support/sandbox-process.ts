// The sandbox cluster in its own process (`octant-exec sandbox --json`), as a real cluster runs
// elsewhere: a server under test, or the benchmarks' servers, reach it through the kubeconfig it
// prints. Always a Node process (through tsx), whatever runtime starts it. A run that breaks
// leaves no sandbox behind.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import type { SandboxFixture } from '../../src/sandbox/index.ts';

const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');

export interface SandboxProcess {
  kubeconfigPath: string;
  stop(): Promise<void>;
}

export async function startSandboxProcess(dir: string, fixture?: SandboxFixture, isolation?: 'none'): Promise<SandboxProcess> {
  const args = ['src/cli/main.ts', 'sandbox', '--json', '--state-dir', join(dir, 'sandbox'), ...(isolation === 'none' ? ['--sandbox-unisolated'] : [])];
  if (fixture) {
    writeFileSync(join(dir, 'fixture.json'), JSON.stringify(fixture));
    args.push('--fixture', join(dir, 'fixture.json'));
  }
  const child = spawn(tsx, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const orphan = () => child.kill('SIGTERM'); // a run that breaks leaves nothing behind
  process.once('exit', orphan);
  void exited.then(() => process.off('exit', orphan));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (data: Buffer) => {
      out += data.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    void exited.then(() => reject(new Error('the sandbox process exited before it was ready')));
  });
  const { kubeconfig } = JSON.parse(line) as { kubeconfig: string };
  return {
    kubeconfigPath: kubeconfig,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

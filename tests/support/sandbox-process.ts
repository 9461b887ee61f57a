// The sandbox cluster in its own process (`octant-exec sandbox --json`), as a real cluster runs
// elsewhere: a server under test, or the benchmarks' servers, reach it through the kubeconfig it
// prints. Always a Node process (with tsx's loader), whatever runtime starts it, and the sandbox
// itself, not tsx's CLI around it: that CLI SIGKILLs a child that does not say within 60 ms that
// it got a relayed SIGTERM, which on a busy machine left the sandbox's pods running and writing
// into the folder being removed. A run that breaks leaves no sandbox behind.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import type { SandboxFixture } from '../../src/sandbox/index.ts';

/** Node: this process under Node, else the one on PATH */
const node = 'Deno' in globalThis ? 'node' : process.execPath;

export interface SandboxProcess {
  kubeconfigPath: string;
  stop(): Promise<void>;
}

export async function startSandboxProcess(dir: string, fixture?: SandboxFixture, isolation?: 'none'): Promise<SandboxProcess> {
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'sandbox', '--json', '--state-dir', join(dir, 'sandbox'), ...(isolation === 'none' ? ['--sandbox-unisolated'] : [])];
  if (fixture) {
    writeFileSync(join(dir, 'fixture.json'), JSON.stringify(fixture));
    args.push('--fixture', join(dir, 'fixture.json'));
  }
  const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'inherit'] });
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

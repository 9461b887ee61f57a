// Running and timing whole commands for the benchmarks.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const kubectl133 = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
export const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');

/** A HOME with its own kubectl discovery cache, warm after the first call (like a user's). */
export function kubectlHome(): string {
  return mkdtempSync(join(tmpdir(), 'octant-exec-bench-home-'));
}

/** Run a command to its end; resolves with the wall time in ms, rejects on a non-zero exit. */
export function timed(command: string, args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdin.end(options.input ?? '');
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`))));
  });
}

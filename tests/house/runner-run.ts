// For the tests of the test runner itself: runs tests/run.ts on a folder of test files written
// for the purpose, under the runtime running the test, and reads one file's output from it.
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { join, relative } from 'node:path';
import process from 'node:process';
import { withTimeout } from '../support/wait.ts';

export const root = new URL('../..', import.meta.url).pathname;
/** what a written test file imports `test` from */
export const supportTest = join(root, 'tests/support/test.ts');
const runner = join(root, 'tests/run.ts');
const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;

/** The runner on `dir` with `env` added; its stdout and stderr together, colours taken out. */
export async function runRunner(dir: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const [file, pre] = deno ? [deno.execPath(), ['run', '-A', runner]] : [process.execPath, ['--import', 'tsx', runner]];
  const child = spawn(file, [...pre, relative(root, dir)], { cwd: root, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await withTimeout(new Promise<number | null>((resolve) => child.on('close', resolve)), 60_000, 'the runner to finish');
  return { code, output: output.replace(/\x1b\[[0-9;]*m/g, '') };
}

/** The lines from test file `path`'s heading to its time, as printed. */
export function blockOf(output: string, path: string): string {
  const heading = `${relative(root, path)}\n`;
  const start = output.indexOf(heading);
  assert.ok(start >= 0, `${path} printed:\n${output}`);
  return output.slice(start, output.indexOf(' s)\n', start));
}

// The built program, run as a user runs the installed one (bin/octant-exec.mjs → dist/cli):
// `npm run build` once per bench run, so a run never measures a stale dist/.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import process from 'node:process';

export const octantExecBin = join(process.cwd(), 'bin', 'octant-exec.mjs');

let built: Promise<string> | undefined;

/** Builds dist/ (the first call of a run); resolves with the program to run. */
export function builtProgram(): Promise<string> {
  return (built ??= new Promise((resolve, reject) =>
    execFile('npm', ['run', 'build'], { timeout: 300_000 }, (error, _stdout, stderr) => (error ? reject(new Error(`npm run build: ${error.message}\n${stderr}`)) : resolve(octantExecBin))),
  ));
}

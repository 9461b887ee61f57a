// The octant-exec command line as a user runs it: its own process (under Node the runner's bundle
// of the sources, cli-bundle.ts, or the sources through tsx when run without the runner; Deno
// when the tests run under Deno; or an installed octant-exec as it is), its own HOME with no
// kubeconfig, output collected.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { testCliBundle } from './cli-bundle.ts';
import { withTimeout } from './wait.ts';

const entry = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
// Deno keeps what it compiled in its cache folder, under HOME unless DENO_DIR says: each child's
// fresh HOME would compile every source again (about half a second of CPU for a command that loads
// the server). A child under Deno shares this process's cache, as a user's runs share theirs.
export const denoDir: Record<string, string> = deno ? { DENO_DIR: process.env.DENO_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'deno') } : {};

export interface Cli {
  child: ChildProcess;
  /** complete stdout lines so far */
  stdout: string[];
  stderr(): string;
  exit: Promise<number | null>;
  /** the signal it died of, once it has ended (null: it exited) */
  signal(): NodeJS.Signals | null;
}

export interface CliOptions {
  pathPrefix?: string;
  /** another script of this checkout to run (a path) */
  script?: string;
  /** an executable to run as it is (an installed octant-exec), instead of a script */
  program?: string;
  /** more environment (HOME is the fresh one unless given) */
  env?: Record<string, string>;
  /** piped to stdin, then its end (default: no stdin, /dev/null) */
  input?: Uint8Array | string;
  /** stdin a pipe the test writes to as it goes (child.stdin), instead of `input` */
  typing?: boolean;
  /** a file descriptor for its stdout (default: a pipe, collected) */
  stdout?: number;
}

/** The program and arguments that run octant-exec (or another script, or program) with `args`: for a terminal multiplexer to run. */
export function cliArgv(args: string[], options: Pick<CliOptions, 'script' | 'program'> = {}): string[] {
  const script = options.script ?? entry;
  if (options.program) return [options.program, ...args];
  if (deno) return [deno.execPath(), 'run', '-A', script, ...args];
  const bundle = script === entry ? testCliBundle() : undefined;
  return bundle ? [process.execPath, bundle, ...args] : [process.execPath, '--import', 'tsx', script, ...args];
}

/** Starts octant-exec (or another script, or program) in its own process. */
export function startCli(args: string[], options: CliOptions = {}): Cli {
  const home = mkdtempSync(join(tmpdir(), 'octant-exec-cli-home-'));
  const [file, ...rest] = cliArgv(args, options);
  const path = options.pathPrefix ? `${options.pathPrefix}:${process.env.PATH}` : process.env.PATH;
  const child = spawn(file, rest, { env: { PATH: path, HOME: home, TMPDIR: tmpdir(), ...denoDir, ...options.env }, stdio: [options.input === undefined && !options.typing ? 'ignore' : 'pipe', options.stdout ?? 'pipe', 'pipe'] });
  if (options.input !== undefined) child.stdin!.on('error', () => {}).end(options.input);
  else if (options.typing) child.stdin!.on('error', () => {});
  const stdout: string[] = [];
  let pending = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    pending += c.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    stdout.push(...lines);
  });
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  let diedOf: NodeJS.Signals | null = null;
  const exit = new Promise<number | null>((resolve) =>
    child.on('close', (code, signal) => {
      rmSync(home, { recursive: true, force: true });
      diedOf = signal;
      resolve(code);
    }),
  );
  return { child, stdout, stderr: () => stderr, exit, signal: () => diedOf };
}

/** Runs a command to its end. */
export async function runCli(args: string[], timeoutMs = 60_000, options: CliOptions = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = startCli(args, options);
  const code = await withTimeout(cli.exit, timeoutMs, `octant-exec ${args.join(' ')}`);
  return { code, stdout: cli.stdout.map((line) => `${line}\n`).join(''), stderr: cli.stderr() };
}

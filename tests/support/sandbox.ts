// Test helpers around the sandbox cluster: start one, run a real kubectl against it with a
// fresh discovery cache, and talk to its API and exec endpoint directly.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.ts';
import { withTimeout } from './wait.ts';
import { send } from './sandbox-access.ts';

export type { Sandbox };

export const KUBECTL_DIR = '/usr/lib/google-cloud-sdk/bin';
export const KUBECTL_VERSIONS = ['1.30', '1.31', '1.32', '1.33'] as const;
export const KUBECTL_DISPATCHER = '/usr/bin/kubectl';
export const TMUX = '/usr/bin/tmux';

export function kubectlBinary(version: string): string {
  return `${KUBECTL_DIR}/kubectl.${version}`;
}

/** Tests that need a tool fail without it (CI must install it), with a message that says so. */
export function requireTool(path: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: install it (these tests run real clients and never skip)`);
}

/** A sandbox whose pods start at their first exec (a file uses one or two), with a scratch folder removed on close. */
export async function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox & { scratch: string }> {
  const sandbox = await startSandbox({ podStart: 'on-first-use', ...options });
  const scratch = mkdtempSync(join(tmpdir(), 'octant-exec-sandbox-test-'));
  const close = sandbox.close;
  return Object.assign(sandbox, {
    scratch,
    close: async () => {
      await close();
      rmSync(scratch, { recursive: true, force: true });
    },
  });
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface KubectlRun {
  child: ChildProcess;
  done: Promise<RunResult>;
}

/**
 * Starts kubectl against the sandbox with its own HOME and discovery cache, so every run does
 * discovery from scratch like a first-time user. `binary` is a version ("1.33") or a path.
 */
export function startKubectl(sandbox: Sandbox & { scratch: string }, binary: string, args: string[], input?: Uint8Array | string, env: Record<string, string> = {}): KubectlRun {
  const file = binary.startsWith('/') ? binary : kubectlBinary(binary);
  requireTool(file);
  const home = mkdtempSync(join(sandbox.scratch, 'home-'));
  const child = spawn(file, ['--kubeconfig', sandbox.kubeconfigPath, '--cache-dir', join(home, 'cache'), ...args], {
    env: { PATH: '/usr/bin:/bin', HOME: home, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => stdout.push(c));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin!.on('error', () => {});
  if (input !== undefined) child.stdin!.end(input);
  const done = new Promise<RunResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(stdout), stderr }));
  });
  return { child, done };
}

/**
 * kubectl 1.30+ reads its WebSocket before it has made its streams (client-go's wsStreamCreator
 * starts readDemuxLoop, then CreateStream), and drops a frame for a stream not made yet, saying
 * "Unknown stream id N, discarding message": the empty stdout frame the kubelet (and the sandbox)
 * sends first, or the output of a quick process, when kubectl was slow to get there on a busy
 * machine (CI135). That run is kubectl's race, said by kubectl itself, not the sandbox's doing: it
 * is run again, twice at most; a sandbox that sent on a wrong stream would be said every time.
 */
const KUBECTL_DROPPED_A_FRAME = /Unknown stream id \d+, discarding message/;

export async function kubectl(sandbox: Sandbox & { scratch: string }, binary: string, args: string[], input?: Uint8Array | string): Promise<RunResult> {
  for (let attempt = 1; ; attempt++) {
    const run = startKubectl(sandbox, binary, args, input);
    if (input === undefined) run.child.stdin!.end();
    const result = await withTimeout(run.done, 30_000, `kubectl ${args.join(' ')}`);
    if (attempt === 3 || !KUBECTL_DROPPED_A_FRAME.test(result.stderr)) return result;
  }
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request to the sandbox API, with its token unless `token: null`. */
export async function apiRequest(sandbox: Sandbox, path: string, init: { method?: string; token?: string | null; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  const { status, headers, body } = await send(sandbox, path, init);
  return { status, headers, body };
}

/** True while any process of the group exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

// Shared by the SPDY exec tests: which kubectl speaks SPDY how, a kubectl run with extra
// environment, and a sandbox transport wrapper that counts the upgrades each transport took.
import type { ExecTransport } from '../../src/sandbox/transports/exec-transport.ts';
import { createSpdyTransport } from '../../src/sandbox/transports/spdy-transport.ts';
import { createWebSocketTransport } from '../../src/sandbox/transports/websocket-transport.ts';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { Buffer } from 'node:buffer';
import { kubectlBinary, requireTool, type RunResult, type Sandbox } from '../support/sandbox.ts';
import { withTimeout } from '../support/wait.ts';

/** Every kubectl that execs over SPDY/3.1 here, and the environment that makes it. */
export const SPDY_KUBECTLS = [
  { name: 'kubectl 1.27', version: '1.27', env: {} },
  { name: 'kubectl 1.28', version: '1.28', env: {} },
  { name: 'kubectl 1.29', version: '1.29', env: {} },
  { name: 'kubectl 1.32 with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false', version: '1.32', env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' } },
] as const;

/**
 * Like tests/support's kubectl(), with environment variables for the client: its own HOME and
 * discovery cache, stdin from `input` (or closed), 30 s at most.
 */
export async function kubectlWith(sandbox: Sandbox & { scratch: string }, version: string, env: Record<string, string>, args: string[], input?: Uint8Array | string): Promise<RunResult> {
  const file = kubectlBinary(version);
  requireTool(file);
  const home = mkdtempSync(join(sandbox.scratch, 'home-'));
  const child = spawn(file, ['--kubeconfig', sandbox.kubeconfigPath, '--cache-dir', join(home, 'cache'), ...args], {
    env: { PATH: '/usr/bin:/bin', HOME: home, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => stdout.push(c));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.on('error', () => {});
  child.stdin.end(input);
  const done = new Promise<RunResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(stdout), stderr }));
  });
  return withTimeout(done, 30_000, `kubectl ${version} ${args.join(' ')}`);
}

export interface CountedTransports {
  transports: { websocket: ExecTransport; spdy: ExecTransport };
  upgrades: { websocket: number; spdy: number };
}

/** The built-in transports, counting the upgrades handed to each (refused ones included). */
export function countedTransports(): CountedTransports {
  const upgrades = { websocket: 0, spdy: 0 };
  const count = (name: 'websocket' | 'spdy', inner: ExecTransport): ExecTransport => ({
    name: inner.name,
    accepts: (request) => inner.accepts(request),
    upgrade: (request, socket, head, start) => {
      upgrades[name]++;
      inner.upgrade(request, socket, head, start);
    },
    close: () => inner.close(),
  });
  return { transports: { websocket: count('websocket', createWebSocketTransport()), spdy: count('spdy', createSpdyTransport()) }, upgrades };
}

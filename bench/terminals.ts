// The three ways a figure runs a command in a terminal, behind one small interface:
//   octant-exec: POST /exec and attach, through the server, the client-node adapter and the sandbox;
//   kubectl:     `kubectl exec -it` in a PTY (kubectl wants a terminal), against the same sandbox;
//   bare PTY:    the command itself in a PTY on this machine (the floor: no cluster, no network).
import pty from '@lydell/node-pty';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import type { ExecRequest } from '../src/protocol/index.ts';
import type { OctantExecOptions } from '../src/server/app.ts';
import type { SandboxFixture } from '../src/sandbox/index.ts';
import { HubClient, type AppAddress } from './hub-client.ts';
import { kubectl133, kubectlHome } from './processes.ts';
import { startSandboxProcess } from '../tests/support/sandbox-process.ts';
import { forkServer, type ServerUsage } from './server-fork.ts';

export type Chunk = string | Uint8Array;

export interface BenchTerminal {
  write(data: string | Uint8Array): void;
  /** every chunk from now on goes to `listener` (chunks that came before it are handed over first) */
  listen(listener: (chunk: Chunk) => void): void;
  readonly exited: Promise<void>;
  close(): void;
  /** what the server last said of it (its session row), for an error message */
  describe?(): string;
}

export interface Launcher {
  subject: string;
  /** a TTY terminal running argv in the bench container */
  open(argv: string[]): Promise<BenchTerminal>;
}

/** The container every figure runs in: a busybox-like image with sh and coreutils. */
export const TARGET = { namespace: 'default', pod: 'alpine-tools', container: 'tools' };

/** The exec request for `argv` in TARGET. */
export const inTarget = (argv: string[], interactive: boolean): ExecRequest => ({ namespace: TARGET.namespace, pod: TARGET.pod, containers: [TARGET.container], command: { argv }, interactive });

/** A terminal's output, kept until someone listens. */
class Outlet {
  #listener: ((chunk: Chunk) => void) | undefined;
  #pending: Chunk[] = [];
  push(chunk: Chunk): void {
    if (this.#listener) this.#listener(chunk);
    else this.#pending.push(chunk);
  }
  listen(listener: (chunk: Chunk) => void): void {
    this.#listener = listener;
    const pending = this.#pending;
    this.#pending = [];
    for (const chunk of pending) listener(chunk);
  }
}

export const text = (chunk: Chunk): string => (typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1'));

/** Reads a terminal until its output (from now) matches; resolves with that output. */
export function readUntil(term: BenchTerminal, pattern: RegExp | string): Promise<string> {
  return new Promise((resolve) => {
    let seen = '';
    term.listen((chunk) => {
      seen += text(chunk);
      if (typeof pattern === 'string' ? seen.includes(pattern) : pattern.test(seen)) {
        term.listen(() => {});
        resolve(seen);
      }
    });
  });
}

/**
 * Reads a shell until its prompt; throws if the shell ends first (a prompt that never comes would
 * hang the figure), with what the server said of it a second later (its row's end comes after the stream's).
 */
export async function readPrompt(term: BenchTerminal): Promise<void> {
  const ended = term.exited
    .then(() => new Promise((resolve) => setTimeout(resolve, 1_000)))
    .then(() => Promise.reject(new Error(`a shell ended before its prompt${term.describe ? `: ${term.describe()}` : ''}`)));
  await Promise.race([readUntil(term, /[$#] $/), ended]);
}

/** The shell line that puts the terminal in raw mode, says so with `R`, then runs `command`. */
export const rawThen = (command: string): string[] => ['sh', '-c', `stty raw -echo && printf R && exec ${command}`];

function ptyTerminal(file: string, args: string[], env: Record<string, string | undefined>): BenchTerminal {
  const outlet = new Outlet();
  const child = pty.spawn(file, args, { name: 'xterm-256color', cols: 120, rows: 40, env: env as Record<string, string> });
  child.onData((data) => outlet.push(data));
  const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
  return {
    write: (data) => child.write(typeof data === 'string' ? data : Buffer.from(data).toString('latin1')),
    listen: (listener) => outlet.listen(listener),
    exited,
    close: () => {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

export function barePty(): Launcher {
  return { subject: 'bare PTY', open: async (argv) => ptyTerminal(argv[0], argv.slice(1), process.env) };
}

export function kubectlPty(kubeconfigPath: string, subject = 'kubectl'): Launcher & { home: string } {
  const home = kubectlHome();
  const env = { ...process.env, HOME: home };
  return {
    subject,
    home,
    open: async (argv) =>
      ptyTerminal(kubectl133, ['--kubeconfig', kubeconfigPath, '--cache-dir', join(home, 'cache'), '-n', TARGET.namespace, 'exec', '-it', TARGET.pod, '-c', TARGET.container, '--', ...argv], env),
  };
}

export function octantExec(client: HubClient, onError?: (message: string) => void, subject = 'octant-exec'): Launcher {
  return {
    subject,
    open: async (argv) => {
      const [sessionId] = await client.exec(inTarget(argv, true));
      return attachTerminal(client, sessionId, onError);
    },
  };
}

/**
 * A refusal the figure did not ask for (a keystroke dropped by a rate limit, …) would leave it
 * waiting for an echo forever: by default it ends the run, loudly, as the breakage it is.
 */
const refusalBreaks = (sessionId: string) => (message: string) => {
  throw new Error(`the server refused something for session ${sessionId}: ${message}`);
};

export async function attachTerminal(client: HubClient, sessionId: string, onError: (message: string) => void = refusalBreaks(sessionId)): Promise<BenchTerminal> {
  const outlet = new Outlet();
  const session = await client.attach(sessionId, (bytes) => outlet.push(bytes), onError);
  return {
    write: (data) => session.input(data),
    listen: (listener) => outlet.listen(listener),
    exited: session.closed,
    close: () => void client.closeSession(sessionId).catch(() => {}),
    describe: () => client.describe(sessionId),
  };
}

export interface BenchApp {
  app: AppAddress & { kubeconfigPath: string };
  client: HubClient;
  octant: Launcher;
  kubectl: Launcher;
  /** kubectl's HOME (its discovery cache) */
  kubectlHome: string;
  floor: Launcher;
  /**
   * A second server process, started now against the same sandbox with the same options: a
   * server whose JIT has seen no traffic yet (figure 1 measures one beside the warm one). Its
   * `close` stops it.
   */
  freshOctant(subject: string): Promise<Launcher & { close(): Promise<void> }>;
  /** the server process's memory and CPU now; `afterGc`: after a full garbage collection */
  usage(afterGc?: boolean): Promise<ServerUsage>;
  /** a heap snapshot of the server process to `path`; its memory right after */
  heapSnapshot(path: string): Promise<NodeJS.MemoryUsage>;
  close(): Promise<void>;
}

export interface BenchAppOptions {
  fixture?: SandboxFixture;
  hub?: OctantExecOptions['hub'];
  maxSessions?: number;
  /** the built page to serve (figure 8) */
  uiDir?: string;
  /**
   * 'none': the sandbox runs its containers unisolated (--sandbox-unisolated), to measure what
   * isolation costs; its launchers' subjects say so
   */
  isolation?: 'none';
  /** the server process as bench/built-server.ts bundles it (its path), instead of its sources through tsx */
  builtServer?: string;
  /** takes the stdout of every server process started (the fresh ones too) */
  serverOutput?: (chunk: Buffer) => void;
}

/**
 * Three processes, as in use: the sandbox cluster, the server (bench/server-process.ts) pointed
 * at it with a kubeconfig, and this one playing the page (and kubectl's terminal). The server's
 * memory and CPU are then its own.
 */
export async function startBenchApp(options: BenchAppOptions = {}): Promise<BenchApp> {
  const stateDir = mkdtempSync(join(tmpdir(), 'octant-exec-bench-'));
  const sandbox = await startSandboxProcess(stateDir, options.fixture, options.isolation);
  let serversStarted = 0;
  const startServer = () =>
    forkServer({
      kubeconfig: sandbox.kubeconfigPath,
      port: 0,
      // the first one's folder is `server`, as before fresh ones were started beside it
      stateDir: join(stateDir, serversStarted++ === 0 ? 'server' : `server${serversStarted}`),
      maxSessions: options.maxSessions ?? 64,
      hub: options.hub,
      uiDir: options.uiDir,
    }, options.builtServer, options.serverOutput);
  const server = await startServer();
  const app = { ...server.app, kubeconfigPath: sandbox.kubeconfigPath };
  const client = await HubClient.connect(app);
  const unisolated = options.isolation === 'none' ? ', unisolated sandbox' : '';
  const kubectl = kubectlPty(app.kubeconfigPath, `kubectl${unisolated}`);
  return {
    app,
    client,
    octant: octantExec(client, undefined, `octant-exec${unisolated}`),
    kubectl,
    kubectlHome: kubectl.home,
    floor: barePty(),
    freshOctant: async (subject) => {
      const fresh = await startServer();
      const freshClient = await HubClient.connect(fresh.app).catch(async (error: unknown) => {
        await fresh.close();
        throw error;
      });
      return {
        ...octantExec(freshClient, undefined, subject),
        close: async () => {
          freshClient.close();
          await fresh.close();
        },
      };
    },
    usage: (afterGc) => server.usage(afterGc),
    heapSnapshot: (path) => server.heapSnapshot(path),
    close: async () => {
      client.close();
      await server.close();
      await sandbox.stop();
      rmSync(stateDir, { recursive: true, force: true });
      rmSync(kubectl.home, { recursive: true, force: true });
    },
  };
}

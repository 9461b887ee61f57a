// The server under test (bench/server-process.ts) forked from the bench: its address once it is
// ready, its memory and CPU on request, and a clean stop. A run that breaks leaves no server behind.
import { fork } from 'node:child_process';
import process from 'node:process';
import type { AppAddress } from './hub-client.ts';
import { tsx } from './processes.ts';
import type { ServerProcessOptions } from './server-process.ts';

export interface ServerUsage {
  /** the server process's resident memory, bytes */
  rss: number;
  /** of it, what V8 has reserved for the JS heap, and C++ objects tied to JS ones (ArrayBuffers among them), bytes */
  heapTotal: number;
  external: number;
  /**
   * of heapTotal, the young generation's (new space's) share, bytes: it grows with the allocation
   * rate up to a bound per process (the semi-space size), and a full GC keeps it grown
   */
  youngGeneration: number;
  /** CPU time it has used since it started (user + system), ms */
  cpuMs: number;
}

export interface ServerProcess {
  app: AppAddress;
  /** the server process's memory and CPU now; `afterGc`: after a full garbage collection */
  usage(afterGc?: boolean): Promise<ServerUsage>;
  /** writes a heap snapshot of the server to `path`; its memory right after (the snapshot collects garbage first) */
  heapSnapshot(path: string): Promise<NodeJS.MemoryUsage>;
  /** the server's memory after full garbage collections, once RSS stops falling: heapUsed and external are what is live */
  memoryAfterGc(): Promise<NodeJS.MemoryUsage>;
  close(): Promise<void>;
}

/**
 * `built`: the server process bundled by bench/built-server.ts, run by Node itself; else its
 * sources, through tsx. `output`: takes the server's stdout (else it is this process's).
 */
export async function forkServer(options: ServerProcessOptions, built?: string, output?: (chunk: Buffer) => void): Promise<ServerProcess> {
  // BENCH_SERVER_FLAGS: Node flags for the server alone, those NODE_OPTIONS refuses among them (--cpu-prof)
  const execArgv = process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean);
  const child = fork(built ?? 'bench/server-process.ts', [JSON.stringify(options)], { execPath: built ? process.execPath : tsx, execArgv, stdio: ['ignore', output ? 'pipe' : 'inherit', 'inherit', 'ipc'] });
  if (output) child.stdout!.on('data', output);
  let closing = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      // a server gone unasked (killed, crashed) would otherwise show only as refused connections
      if (!closing) process.stderr.write(`server process ${child.pid} exited unasked: ${signal ?? `code ${code}`}\n`);
      resolve();
    }),
  );
  const orphan = () => child.kill('SIGTERM');
  process.once('exit', orphan);
  void exited.then(() => process.off('exit', orphan));
  const waiters: ((message: { type: string } & Record<string, unknown>) => void)[] = [];
  child.on('message', (message: { type: string } & Record<string, unknown>) => waiters.shift()?.(message));
  const reply = <T>() => new Promise<T>((resolve) => waiters.push((m) => resolve(m as T)));
  const ready = await Promise.race([reply<AppAddress>(), exited.then(() => Promise.reject(new Error('the server process exited before it was ready')))]);
  return {
    app: { url: ready.url, token: ready.token, socketUrl: ready.socketUrl },
    usage: (afterGc = false) => {
      const answer = reply<ServerUsage>();
      child.send({ type: 'usage', gc: afterGc });
      return answer;
    },
    heapSnapshot: async (path) => {
      const answer = reply<{ memory: NodeJS.MemoryUsage }>();
      child.send({ type: 'heap', path });
      return (await answer).memory;
    },
    memoryAfterGc: async () => {
      const answer = reply<{ memory: NodeJS.MemoryUsage }>();
      child.send({ type: 'gc' });
      return (await answer).memory;
    },
    close: async () => {
      closing = true;
      child.send({ type: 'close' });
      await exited;
    },
  };
}

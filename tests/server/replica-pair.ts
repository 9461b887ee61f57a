// Replicas of the server on one shared log (in memory), in front of one sandbox: what the replica
// and relay tests share.
import type { OctantExecOptions } from '../../src/server/app.ts';
import { onFreePort } from '../support/free-port.ts';
import { MemoryLog, type MemorySharedStore } from '../support/memory-shared-store.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { StreamClient, call, openExec, startTestApp, type TestApp } from './support.ts';

export interface ReplicaOptions {
  port?: number;
  /** where the other replicas reach it (a port forwarding to it), when not its own */
  reachedAt?: number;
  /** the log as this replica sees it (default: `log` itself) */
  store?: (advertise: string) => MemorySharedStore;
  /** its hub's limits, when not the defaults */
  hub?: OctantExecOptions['hub'];
}

export async function replica(log: MemoryLog, kubeconfig: string, options: ReplicaOptions = {}): Promise<TestApp> {
  const open = options.store ?? ((at: string) => log.open(at));
  const start = (port: number) => startTestApp({ sandbox: false, kubeconfig, port, sharedLog: { advertise: `http://127.0.0.1:${options.reachedAt ?? port}`, open: async (at) => open(at) }, ...(options.hub ? { hub: options.hub } : {}) });
  return options.port === undefined ? onFreePort(start) : start(options.port);
}

/** What the other replicas reach A through (a forwarder of the test's): it listens first, and learns A's port once A listens on one of its own. */
export interface InFrontOfA {
  port: number;
  forwardTo(port: number): void;
}

/**
 * Runs `body` with two replicas, A and B, on one log before one sandbox (A reached through
 * `inFrontOfA` when given: a port picked free for A and bound later was once taken meanwhile;
 * `log`, the database, lets a test run a replica's lease out);
 * closes `pages`, then what of them started, however `body` or a start ends, then the sandbox.
 */
export async function withTwoReplicas(body: (a: TestApp, b: TestApp, pages: StreamClient[], log: MemoryLog) => Promise<void>, inFrontOfA?: InFrontOfA): Promise<void> {
  const sandbox = await startTestSandbox();
  const pages: StreamClient[] = [];
  let [a, b]: [TestApp?, TestApp?] = [];
  try {
    const log = new MemoryLog();
    a = await replica(log, sandbox.kubeconfigPath, inFrontOfA ? { port: 0, reachedAt: inFrontOfA.port } : {});
    inFrontOfA?.forwardTo(a.port);
    b = await replica(log, sandbox.kubeconfigPath);
    await body(a, b, pages, log);
  } finally {
    for (const page of pages) await page.close();
    await b?.close();
    await a?.close();
    await sandbox.close();
  }
}

/** A shell in web/nginx opened through `a`, once `b` lists it: its id. */
export async function shellListedByBoth(a: TestApp, b: TestApp): Promise<string> {
  const [id] = await openExec(a, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
  await waitFor(async () => (await call(b, '/api/v1/sessions')).json.sessions.find((row: { sessionId: string }) => row.sessionId === id), 'B lists the terminal');
  return id;
}

// Replicas as deployed, for the tests that need whole programs (to SIGKILL or SIGSTOP one): a
// throwaway PostgreSQL, the sandbox as the cluster, and `count` octant-exec processes sharing the
// log, each on a port of its own, with one token file. Everything stops in close(), whatever the
// test did to the processes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { startCli, type Cli } from './cli.ts';
import { freePort } from './free-port.ts';
import { startCluster, type PgCluster } from './postgres.ts';
import { processTree } from './process-tree.ts';
import { startTestSandbox } from './sandbox.ts';
import { waitFor, withTimeout } from './wait.ts';

export interface ReplicaProgram {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** its id in the store, as its ready line says */
  id: string;
  cli: Cli;
  /** to it and the processes it started */
  signal(name: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): void;
}

export interface ReplicaPrograms {
  cluster: PgCluster;
  /** the database the replicas share */
  database: string;
  replicas: ReplicaProgram[];
  /** local mode's token, the same for every replica (one --token-file) */
  token: string;
  /** a call with the replicas' token */
  api(base: string, path: string, method?: string, body?: unknown): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

/** `moreArgs`: given the replicas' ports before they start (to put a proxy in front, say), more flags for each. */
export async function startReplicaPrograms(count: number, moreArgs: (ports: number[]) => Promise<string[]> | string[] = () => []): Promise<ReplicaPrograms> {
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-replicas-'));
  const token = `replica-programs-${process.pid}`.padEnd(43, 'x');
  const replicas: ReplicaProgram[] = [];
  let cluster: PgCluster | undefined;
  let sandbox: Awaited<ReturnType<typeof startTestSandbox>> | undefined;
  const close = async () => {
    for (const replica of replicas) {
      if (replica.cli.child.exitCode !== null || replica.cli.child.signalCode !== null) continue;
      replica.signal('SIGCONT');
      replica.cli.child.kill('SIGTERM');
      await withTimeout(replica.cli.exit, 20_000, `replica ${replica.port} to stop`).catch(() => replica.signal('SIGKILL'));
    }
    await sandbox?.close();
    await cluster?.remove();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    cluster = await startCluster();
    const storeUrl = await cluster.createDatabase();
    writeFileSync(join(dir, 'store-url'), storeUrl, { mode: 0o600 });
    writeFileSync(join(dir, 'token'), token, { mode: 0o600 });
    sandbox = await startTestSandbox();
    const ports: number[] = [];
    for (let i = 0; i < count; i++) ports.push(await freePort());
    const more = await moreArgs(ports);
    for (const [i, port] of ports.entries()) {
      const cli = startCli([
        'serve', '--kubeconfig', sandbox.kubeconfigPath, '--state-dir', join(dir, `replica-${i}`), '--port', String(port),
        '--store-file', join(dir, 'store-url'), '--advertise', `http://127.0.0.1:${port}`, '--token-file', join(dir, 'token'), ...more,
      ]);
      const signal = (name: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT') => {
        for (const pid of processTree(cli.child.pid!)) {
          try {
            process.kill(pid, name);
          } catch {
            // gone already
          }
        }
      };
      replicas.push({ port, url: `http://127.0.0.1:${port}`, id: '', cli, signal });
    }
    for (const replica of replicas) {
      const ready = await waitFor(() => replica.cli.stdout.find((line) => / as replica [a-z0-9]{6} /.test(line)), `replica on ${replica.port} ready`, 60_000);
      replica.id = / as replica ([a-z0-9]{6}) /.exec(ready)![1];
    }
    const api = async (base: string, path: string, method = 'GET', body?: unknown) => {
      const response = await fetch(new URL(path, base), {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).catch((error: Error) => {
        // "fetch failed" alone says nothing: which replica, why, and whether it is still running
        throw new Error(`${method} ${base}${path}: ${error.message} (${String((error.cause as Error | undefined)?.message ?? error.cause ?? 'no cause given')}); the replicas: ${replicas.map(describeReplica).join('; ')}`);
      });
      return { status: response.status, json: await response.json().catch(() => ({})) };
    };
    return { cluster, database: new URL(storeUrl).pathname.slice(1), replicas, token, api, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A replica's state for a failure's message: running or how it ended, and the end of what it wrote to stderr. */
function describeReplica(replica: ReplicaProgram): string {
  const { exitCode, signalCode } = replica.cli.child;
  const state = exitCode === null && signalCode === null ? 'running' : `ended (${signalCode ?? `exit ${exitCode}`})`;
  return `${replica.port} ${state}, stderr ${JSON.stringify(replica.cli.stderr().slice(-1500))}`;
}

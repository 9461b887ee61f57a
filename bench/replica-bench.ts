// Replicas of the server, as docs/scaling.md runs them: two (and more on request) server processes
// (bench/server-process.ts) sharing one event log in a throwaway PostgreSQL 15 and one sandbox
// process, each with a page socket of its own. Each listens on a port chosen beforehand, so its
// --advertise URL is known when it starts; both read one token file, as local-mode replicas must,
// so a page may open on either.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SandboxFixture } from '../src/sandbox/index.ts';
import type { StreamHubOptions } from '../src/server/stream-hub.ts';
import { freePort } from '../tests/support/free-port.ts';
import { startCluster } from '../tests/support/postgres.ts';
import { HubClient } from './hub-client.ts';
import { startSandboxProcess } from '../tests/support/sandbox-process.ts';
import { forkServer, type ServerProcess } from './server-fork.ts';

export interface Replica {
  server: ServerProcess;
  /** a page whose socket reached this replica */
  page: HubClient;
}

export interface ReplicaBench {
  a: Replica;
  b: Replica;
  /** one more replica, a fresh process on the same log and sandbox (figure 10's memory measure) */
  startReplica(name: string): Promise<Replica>;
  /** the last `lines` warnings of each replica (each appends them to a file in the bench's temp dir), for a figure that broke */
  warnings(lines: number): string;
  close(): Promise<void>;
}

export async function startReplicaBench(options: { hub?: StreamHubOptions; maxSessions?: number; idleTimeoutSeconds?: number; fixture?: SandboxFixture } = {}): Promise<ReplicaBench> {
  const stateDir = mkdtempSync(join(tmpdir(), 'octant-exec-bench-'));
  const postgres = await startCluster();
  const store = await postgres.createDatabase();
  const sandbox = await startSandboxProcess(stateDir, options.fixture);
  const warningsOf = (name: string) => join(stateDir, `${name}-warnings.log`);
  const replica = async (name: string): Promise<Replica> => {
    const port = await freePort();
    const server = await forkServer({
      kubeconfig: sandbox.kubeconfigPath,
      port,
      stateDir: join(stateDir, name),
      maxSessions: options.maxSessions ?? 64,
      idleTimeoutSeconds: options.idleTimeoutSeconds,
      hub: options.hub,
      tokenFile: join(stateDir, 'token'),
      store,
      advertise: `http://127.0.0.1:${port}`,
      warnings: warningsOf(name),
    });
    return { server, page: await HubClient.connect(server.app) };
  };
  // one after the other: the first makes the token file and the schema the second finds
  const replicas: Replica[] = [];
  const names: string[] = [];
  const startReplica = async (name: string) => {
    const started = await replica(name);
    replicas.push(started);
    names.push(name);
    return started;
  };
  const a = await startReplica('a');
  const b = await startReplica('b');
  return {
    a,
    b,
    startReplica,
    warnings: (lines) =>
      names
        .map((name) => {
          const file = warningsOf(name);
          const tail = existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '';
          return `replica ${name} warned: ${tail || 'nothing'}`;
        })
        .join('\n'),
    close: async () => {
      for (const { page } of replicas) page.close();
      for (const { server } of replicas) await server.close();
      await sandbox.stop();
      await postgres.remove();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

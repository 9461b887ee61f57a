// Two replicas of the server, as docs/scaling.md runs them: two server processes
// (bench/server-process.ts) sharing one event log in a throwaway PostgreSQL 15 and one sandbox
// process, each with a page socket of its own. Each listens on a port chosen beforehand, so its
// --advertise URL is known when it starts; both read one token file, as local-mode replicas must,
// so a page may open on either.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SandboxFixture } from '../src/sandbox/index.ts';
import type { StreamHubOptions } from '../src/server/stream-hub.ts';
import { freePort } from '../tests/support/free-port.ts';
import { startCluster } from '../tests/support/postgres.ts';
import { HubClient } from './hub-client.ts';
import { startSandboxProcess } from './sandbox-process.ts';
import { forkServer, type ServerProcess } from './server-fork.ts';

export interface Replica {
  server: ServerProcess;
  /** a page whose socket reached this replica */
  page: HubClient;
}

export interface ReplicaBench {
  a: Replica;
  b: Replica;
  close(): Promise<void>;
}

export async function startReplicaBench(options: { hub?: StreamHubOptions; maxSessions?: number; fixture?: SandboxFixture } = {}): Promise<ReplicaBench> {
  const stateDir = mkdtempSync(join(tmpdir(), 'octant-exec-bench-'));
  const postgres = await startCluster();
  const store = await postgres.createDatabase();
  const sandbox = await startSandboxProcess(stateDir, options.fixture);
  const replica = async (name: string): Promise<Replica> => {
    const port = await freePort();
    const server = await forkServer({
      kubeconfig: sandbox.kubeconfigPath,
      port,
      stateDir: join(stateDir, name),
      maxSessions: options.maxSessions ?? 64,
      hub: options.hub,
      tokenFile: join(stateDir, 'token'),
      store,
      advertise: `http://127.0.0.1:${port}`,
    });
    return { server, page: await HubClient.connect(server.app) };
  };
  // one after the other: the first makes the token file and the schema the second finds
  const a = await replica('a');
  const b = await replica('b');
  return {
    a,
    b,
    close: async () => {
      for (const { page } of [a, b]) page.close();
      for (const { server } of [a, b]) await server.close();
      await sandbox.stop();
      await postgres.remove();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

// startSandbox: the sandbox cluster in one call. An https server on 127.0.0.1 with a fresh CA,
// a bearer token, a kubeconfig that points at it, and the pods of a fixture whose containers
// are real local processes. Loaded by index.ts when a sandbox starts. See docs/sandbox.md.
import { createServer, type Server } from 'node:https';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSandboxTls } from './api/tls.ts';
import { hasBearerToken, newBearerToken } from './api/bearer-token.ts';
import { checkFixture, loadFixtureFile } from './fixture/fixture.ts';
import { demoFixture } from './fixture/demo-fixture.ts';
import { ClusterState } from './api/cluster-state.ts';
import { handleApiRequest } from './api/api-routes.ts';
import { handleExecUpgrade } from './exec/exec-upgrade.ts';
import { sendStatus, refuseUpgradeWithStatus } from './api/http-replies.ts';
import { unauthorized } from './api/kube-status.ts';
import { ExecProcesses } from './processes/exec-processes.ts';
import type { RunningProcess } from './processes/running-process.ts';
import type { ContainerRuntime } from './containers/container-runtime.ts';
import { hostRuntime } from './containers/host-runtime.ts';
import { startBubblewrapRuntime } from './isolation/bubblewrap-runtime.ts';
import { SANDBOX_CONTEXT, writeKubeconfig } from './api/kubeconfig.ts';
import type { ExecTransport } from './transports/exec-transport.ts';
import { createWebSocketTransport } from './transports/websocket-transport.ts';
import { createSpdyTransport } from './transports/spdy-transport.ts';
import { ExecCounter } from './exec/exec-counter.ts';
import { SandboxFaults } from './faults/faults.ts';

import type { ExecTransportName, Sandbox, SandboxOptions } from './index.ts';

/** The most processes one pod may have at once, unless the fixture says otherwise (podPidsLimit). */
const DEFAULT_POD_PIDS_LIMIT = 1024;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const fixture = typeof options.fixture === 'string' ? loadFixtureFile(options.fixture) : checkFixture(options.fixture ?? demoFixture);
  const ownStateDir = !options.stateDir;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'octant-exec-sandbox-'));
  mkdirSync(stateDir, { recursive: true });

  const tls = await generateSandboxTls();
  writeFileSync(join(stateDir, 'ca.crt'), tls.caPem);
  const token = newBearerToken();
  const state = new ClusterState(fixture);
  let runtime: ContainerRuntime;
  try {
    runtime = options.isolation === 'none' ? hostRuntime(stateDir) : await startBubblewrapRuntime({ stateDir, podPidsLimit: fixture.podPidsLimit ?? DEFAULT_POD_PIDS_LIMIT });
  } catch (error) {
    if (ownStateDir) rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }
  const sessions = new ExecProcesses();
  const podExecs = new Map<string, Set<RunningProcess>>();
  const watches = new Set<ServerResponse>();
  const execs = new ExecCounter();
  const faults = new SandboxFaults(fixture.faults);

  const heartbeat = { heartbeatMs: options.heartbeatMs };
  const builtIn: Record<ExecTransportName, () => ExecTransport> = { websocket: () => createWebSocketTransport(heartbeat), spdy: () => createSpdyTransport(heartbeat) };
  const transports = (options.execTransports ?? ['websocket', 'spdy']).map((name) => options.transportOverrides?.[name] ?? builtIn[name]());

  state.onPodDeleted((pod) => {
    const name = pod.object.metadata.name as string;
    const key = `${pod.namespace}/${name}`;
    for (const exec of podExecs.get(key) ?? []) exec.end();
    podExecs.delete(key);
    void runtime.deletePod(pod.namespace, name);
  });

  let hostPort = '';
  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    if (!hasBearerToken(req.headers.authorization, token)) return sendStatus(res, unauthorized());
    handleApiRequest({ state, hostPort, watches }, req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => {}); // a client that vanishes mid-handshake is not our error
    if (!hasBearerToken(req.headers.authorization, token)) return refuseUpgradeWithStatus(socket, unauthorized());
    handleExecUpgrade({ state, runtime, transports, sessions, podExecs, execs, faults }, req, socket, head);
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hostPort = `127.0.0.1:${port}`;
  const url = `https://${hostPort}`;
  runtime.startPods(state.pods());
  const kubeconfigPath = options.kubeconfigOut ?? join(stateDir, 'kubeconfig');
  writeKubeconfig(kubeconfigPath, { server: url, caPem: tls.caPem, token });

  let closing: Promise<void> | undefined;
  return {
    server: url,
    kubeconfigPath,
    token,
    context: SANDBOX_CONTEXT,
    caPem: tls.caPem,
    stateDir,
    isolation: runtime.isolation,
    warnings: runtime.warnings,
    execCount: () => execs.total,
    execsBegun: () => execs.begunTotal,
    peakConcurrentExecs: () => execs.peak,
    resetPeakConcurrentExecs: () => execs.resetPeak(),
    liveProcessGroups: () => sessions.live(),
    deletePod: (namespace, name) => state.deletePod(namespace, name) !== undefined,
    setFaults: (plans) => faults.set(plans),
    refuseConnectionsFor: async (ms) => {
      // Stop listening (connections get ECONNREFUSED, as from a restarting API server), then listen again on the same port.
      server.close(); // its callback waits for open connections: running execs go on
      await new Promise((resolve) => setTimeout(resolve, ms));
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    },
    close: () =>
      (closing ??= (async () => {
        const ended = sessions.endAll();
        for (const t of transports) t.close();
        for (const res of watches) res.end();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections?.();
        });
        await ended;
        await runtime.close();
        if (ownStateDir) rmSync(stateDir, { recursive: true, force: true });
      })()),
  };
}


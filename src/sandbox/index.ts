// startSandbox: the sandbox cluster in one call. An https server on 127.0.0.1 with a fresh CA,
// a bearer token, a kubeconfig that points at it, and the pods of a fixture whose containers
// are real local processes; the fixture's users, each with a token and kubeconfig of its own,
// RBAC over every request, and an audit log of them. See docs/sandbox.md.
import { createServer, type Server } from 'node:https';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSandboxTls } from './api/tls.ts';
import { newBearerToken, TokenAuthenticator } from './auth/token-authenticator.ts';
import { checkFixture, loadFixtureFile, type SandboxFixture } from './fixture/fixture.ts';
import { demoFixture } from './fixture/demo-fixture.ts';
import { ClusterState } from './api/cluster-state.ts';
import { handleApiRequest } from './api/api-routes.ts';
import { handleExecUpgrade } from './exec/exec-upgrade.ts';
import { sendStatus, refuseUpgradeWithStatus, statusSentOn } from './api/http-replies.ts';
import { ExecProcesses } from './processes/exec-processes.ts';
import type { RunningProcess } from './processes/running-process.ts';
import type { ContainerRuntime, Isolation } from './containers/container-runtime.ts';
import { hostRuntime } from './containers/host-runtime.ts';
import { startBubblewrapRuntime } from './isolation/bubblewrap-runtime.ts';
import { SANDBOX_CONTEXT, userKubeconfigPath, writeKubeconfig } from './api/kubeconfig.ts';
import type { ExecTransport } from './transports/exec-transport.ts';
import { createWebSocketTransport } from './transports/websocket-transport.ts';
import { createSpdyTransport } from './transports/spdy-transport.ts';
import { ExecCounter } from './exec/exec-counter.ts';
import { SandboxFaults, type FaultPlan } from './faults/faults.ts';
import { sandboxIdentities } from './auth/identities.ts';
import { admitRequest, type Access } from './auth/front-door.ts';
import { execForbiddenAuthorizer } from './auth/exec-forbidden.ts';
import { unionAuthorizer } from './rbac/authorizer.ts';
import { sandboxRbac } from './rbac/sandbox-rbac.ts';
import { AuditLog } from './audit/audit-log.ts';
import { AuditEntry } from './audit/audit-entry.ts';
import { watchUpgradeAnswer } from './audit/upgrade-answer.ts';

export type ExecTransportName = 'websocket' | 'spdy';

export interface SandboxOptions {
  /** 0 (default) picks a free port */
  port?: number;
  /** a fixture file (JSON) or object; default: the built-in demo fixture */
  fixture?: string | SandboxFixture;
  /** kubeconfig, certificates and container directories; default: a new temp dir, removed on close */
  stateDir?: string;
  /**
   * which exec upgrades are served; default both. An upgrade of a transport left out is refused
   * with a 400 Status before anything starts (without 'websocket', kubectl 1.30+ falls back to SPDY)
   */
  execTransports?: ExecTransportName[];
  /** transports to use instead of the built-in ones of the same name (tests plug in instrumented ones) */
  transportOverrides?: Partial<Record<ExecTransportName, ExecTransport>>;
  /** how often an exec connection must show life (a frame, a ping, a pong); default 15 s */
  heartbeatMs?: number;
  /** where to write the kubeconfig; default STATE_DIR/kubeconfig */
  kubeconfigOut?: string;
  /**
   * 'bubblewrap' (default): every container in namespaces of its own, nothing of this machine in
   * sight (docs/sandbox.md); start-up fails, saying how to fix it, where bubblewrap cannot run.
   * 'none': containers are plain processes of this user (--sandbox-unisolated)
   */
  isolation?: Isolation;
}

/** The most processes one pod may have at once, unless the fixture says otherwise (podPidsLimit). */
const DEFAULT_POD_PIDS_LIMIT = 1024;

/** One of the fixture's users (docs/sandbox.md, "People and permissions"). */
export interface SandboxUser {
  /** the name the API sees: `alice`, `system:serviceaccount:octant-exec:octant-exec` */
  username: string;
  /** its groups (the API adds system:authenticated) */
  groups: string[];
  token: string;
  /** next to the admin's kubeconfig, the user's name in the file name */
  kubeconfigPath: string;
  /** its context (and cluster) name, `octant-exec-sandbox-NAME` */
  context: string;
}

export interface Sandbox {
  /** https://127.0.0.1:PORT */
  server: string;
  /** the admin's kubeconfig: user system:masters, allowed everything */
  kubeconfigPath: string;
  token: string;
  /** the fixture's users by name (`alice`, `bob`, `carol`, `octant-exec` in the demo fixture) */
  users: Record<string, SandboxUser>;
  /** the API audit log: one audit.k8s.io/v1 Event per request, JSON Lines, in the state folder */
  auditLogPath: string;
  context: typeof SANDBOX_CONTEXT;
  caPem: string;
  stateDir: string;
  /** how containers are kept from this machine: 'bubblewrap', or 'none' (--sandbox-unisolated) */
  isolation: Isolation;
  /** what start-up had to settle for, one sentence each (unisolated containers, no process limit) */
  warnings: string[];
  /** processes started by execs so far (a refused or retried exec must not add one) */
  execCount(): number;
  /** execs handed over by a transport so far: counted the moment the transport has what it needs, before the process starts */
  execsBegun(): number;
  /** the most execs that ran at the same time since the start or the last reset */
  peakConcurrentExecs(): number;
  resetPeakConcurrentExecs(): void;
  /** process groups started by execs that still have a live process */
  liveProcessGroups(): number[];
  /** deletes a pod: its execs end, watchers get DELETED; false when there was no such pod */
  deletePod(namespace: string, name: string): boolean;
  /** fault injection (docs/sandbox.md): plans for execs from now on; [] for none */
  setFaults(plans: FaultPlan[]): void;
  /** like an API server restart: new connections are refused for `ms`, then served again */
  refuseConnectionsFor(ms: number): Promise<void>;
  /** ends every exec and watch, stops the server */
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const fixture = typeof options.fixture === 'string' ? loadFixtureFile(options.fixture) : checkFixture(options.fixture ?? demoFixture);
  // Read before anything is made, so a bad RBAC file stops the start with its name and line.
  const rbac = sandboxRbac(fixture);
  const ownStateDir = !options.stateDir;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'octant-exec-sandbox-'));
  mkdirSync(stateDir, { recursive: true });

  const tls = await generateSandboxTls();
  writeFileSync(join(stateDir, 'ca.crt'), tls.caPem);
  const token = newBearerToken();
  const identities = sandboxIdentities(fixture, token);
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

  const everyone = [identities.admin, ...identities.users.values()];
  const access: Access = { tokens: new TokenAuthenticator(everyone), authorizer: unionAuthorizer([execForbiddenAuthorizer(state), rbac]) };
  const audit = new AuditLog(join(stateDir, 'audit.jsonl'), everyone.map((identity) => identity.token));

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
    const entry = new AuditEntry(req);
    res.once('close', () => audit.record(entry, res.statusCode, statusSentOn(res)));
    const admission = admitRequest(access, req, entry);
    if ('refused' in admission) return sendStatus(res, admission.refused);
    handleApiRequest({ state, hostPort, watches, access }, admission.caller, req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => {}); // a client that vanishes mid-handshake is not our error
    const entry = new AuditEntry(req);
    const answer = watchUpgradeAnswer(socket);
    // An exec's record is complete when its connection ends, as kube-apiserver's is.
    socket.once('close', () => audit.record(entry, answer(), statusSentOn(socket)));
    const admission = admitRequest(access, req, entry);
    if ('refused' in admission) return refuseUpgradeWithStatus(socket, admission.refused);
    handleExecUpgrade({ state, runtime, transports, sessions, podExecs, execs, faults, authorizer: access.authorizer }, admission.caller, entry.attributes, req, socket, head);
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
  const users: Record<string, SandboxUser> = {};
  for (const [name, { user, token }] of identities.users) {
    const path = userKubeconfigPath(kubeconfigPath, name);
    const context = `${SANDBOX_CONTEXT}-${name}`;
    writeKubeconfig(path, { server: url, caPem: tls.caPem, token, context, user: name });
    users[name] = { username: user.username, groups: user.groups, token, kubeconfigPath: path, context };
  }

  let closing: Promise<void> | undefined;
  return {
    server: url,
    kubeconfigPath,
    token,
    users,
    auditLogPath: audit.path,
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
        audit.close();
        if (ownStateDir) rmSync(stateDir, { recursive: true, force: true });
      })()),
  };
}

export { SANDBOX_CONTEXT } from './api/kubeconfig.ts';
export type { SandboxFixture } from './fixture/fixture.ts';
export { demoFixture } from './fixture/demo-fixture.ts';

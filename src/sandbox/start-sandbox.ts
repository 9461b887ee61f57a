// startSandbox: the sandbox cluster in one call. An https server on 127.0.0.1 with a fresh CA,
// a bearer token, a kubeconfig that points at it, and the pods of a fixture whose containers
// are real local processes; the fixture's users, each with a token and kubeconfig of its own,
// RBAC over every request, and an audit log of them. Loaded by index.ts when a sandbox starts.
// See docs/sandbox.md.
import { createServer, type Server } from 'node:https';
import type { ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateSandboxTls } from './api/tls.ts';
import { newBearerToken, TokenAuthenticator } from './auth/token-authenticator.ts';
import { checkFixture, loadFixtureFile } from './fixture/fixture.ts';
import { demoFixture } from './fixture/demo-fixture.ts';
import { ClusterState } from './api/cluster-state.ts';
import { handleApiRequest } from './api/api-routes.ts';
import { handleExecUpgrade } from './exec/exec-upgrade.ts';
import { handleAttachUpgrade } from './attach/attach-upgrade.ts';
import { sendStatus, refuseUpgradeWithStatus, statusSentOn } from './api/http-replies.ts';
import { ExecProcesses } from './processes/exec-processes.ts';
import type { RunningProcess } from './processes/running-process.ts';
import type { ContainerRuntime } from './containers/container-runtime.ts';
import { hostRuntime } from './containers/host-runtime.ts';
import { startBubblewrapRuntime } from './isolation/bubblewrap-runtime.ts';
import { SandboxKubelet } from './kubelet/kubelet.ts';
import { SANDBOX_CONTEXT, userKubeconfigPath, writeKubeconfig } from './api/kubeconfig.ts';
import type { ExecTransport } from './transports/exec-transport.ts';
import { createWebSocketTransport } from './transports/websocket-transport.ts';
import { createSpdyTransport } from './transports/spdy-transport.ts';
import { ExecCounter } from './exec/exec-counter.ts';
import { MainProcesses } from './containers/main-processes.ts';
import { SandboxFaults } from './faults/faults.ts';
import { sandboxIdentities } from './auth/identities.ts';
import { admitRequest, type Access } from './auth/front-door.ts';
import { execForbiddenAuthorizer } from './auth/exec-forbidden.ts';
import { unionAuthorizer } from './rbac/authorizer.ts';
import { sandboxRbac } from './rbac/sandbox-rbac.ts';
import { AuditLog } from './audit/audit-log.ts';
import { AuditEntry } from './audit/audit-entry.ts';
import { watchUpgradeAnswer } from './audit/upgrade-answer.ts';

import type { ExecTransportName, Sandbox, SandboxOptions, SandboxUser } from './index.ts';

/** The most processes one pod may have at once, unless the fixture says otherwise (podPidsLimit). */
const DEFAULT_POD_PIDS_LIMIT = 1024;
/** The most pods made through the API that may exist at once, unless the fixture says otherwise (createdPodsLimit). */
const DEFAULT_CREATED_PODS_LIMIT = 50;
/** How long a closing sandbox waits for exec connections to end before it cuts them. */
const CLOSE_GRACE_MS = 2000;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const fixture = typeof options.fixture === 'string' ? loadFixtureFile(options.fixture) : checkFixture(options.fixture ?? demoFixture);
  // Read before anything is made, so a bad RBAC file stops the start with its name and line.
  const rbac = sandboxRbac(fixture);
  const ownStateDir = !options.stateDir;
  // absolute: the containers' launchers run from / (a relative --state-dir failed every pod's start)
  const stateDir = options.stateDir ? resolve(options.stateDir) : mkdtempSync(join(tmpdir(), 'octant-exec-sandbox-'));
  mkdirSync(stateDir, { recursive: true, mode: 0o700 }); // as the state directory around it: its pods' files are the user's

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
  const mainProcesses = new MainProcesses(state, runtime);
  const kubelet = new SandboxKubelet(state, runtime, mainProcesses);
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
    mainProcesses.deletePod(pod.namespace, name);
    void runtime.deletePod(pod.namespace, name);
  });

  let hostPort = '';
  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const entry = new AuditEntry(req);
    res.once('close', () => audit.record(entry, res.statusCode, statusSentOn(res)));
    const admission = admitRequest(access, req, entry);
    if ('refused' in admission) return sendStatus(res, admission.refused);
    handleApiRequest({ state, hostPort, watches, access, kubelet, mainProcesses, createdPodsLimit: fixture.createdPodsLimit ?? DEFAULT_CREATED_PODS_LIMIT }, admission.caller, req, res);
  });
  // Every connection, for the shutdown: upgraded ones (execs) and ones still in their TLS
  // handshake are not the HTTP server's to close.
  const connections = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => {}); // a client that vanishes mid-handshake is not our error
    const entry = new AuditEntry(req);
    const answer = watchUpgradeAnswer(socket);
    // An exec's record is complete when its connection ends, as kube-apiserver's is.
    socket.once('close', () => audit.record(entry, answer(), statusSentOn(socket)));
    const admission = admitRequest(access, req, entry);
    if ('refused' in admission) return refuseUpgradeWithStatus(socket, admission.refused);
    const handle = entry.attributes.resourceRequest && entry.attributes.subresource === 'attach' ? handleAttachUpgrade : handleExecUpgrade;
    handle({ state, runtime, transports, sessions, podExecs, execs, faults, authorizer: access.authorizer, mainProcesses }, admission.caller, entry.attributes, req, socket, head);
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  // Ends every exec and pod and removes what the start made: the sandbox's close, and a start that fails half-way.
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const ended = sessions.endAll();
      for (const t of transports) t.close();
      for (const res of watches) res.end();
      await new Promise<void>((resolve) => {
        // A connection with no session to end it (an exec still being admitted, a handshake on a
        // busy machine) would hold the close forever: after a moment for the ended sessions'
        // last frames, whatever is still connected is cut.
        const cut = setTimeout(() => {
          for (const socket of connections) socket.destroy();
        }, CLOSE_GRACE_MS);
        cut.unref();
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeAllConnections?.();
      });
      await ended;
      await mainProcesses.close();
      await runtime.close();
      audit.close();
      if (ownStateDir) rmSync(stateDir, { recursive: true, force: true });
    })());

  /** Listens, starts the pods and writes the kubeconfigs: what can fail once the runtime runs. */
  async function listenAndWrite() {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    hostPort = `127.0.0.1:${port}`;
    const url = `https://${hostPort}`;
    // a main process starts its pod (it runs through the runtime, as an exec does): the others wait, when asked to, for their first exec
    if (options.podStart !== 'on-first-use') runtime.startPods(state.pods());
    mainProcesses.startPods(state.pods());
    const kubeconfigPath = options.kubeconfigOut ?? join(stateDir, 'kubeconfig');
    writeKubeconfig(kubeconfigPath, { server: url, caPem: tls.caPem, token });
    const users: Record<string, SandboxUser> = {};
    for (const [name, { user, token }] of identities.users) {
      const path = userKubeconfigPath(kubeconfigPath, name);
      const context = `${SANDBOX_CONTEXT}-${name}`;
      writeKubeconfig(path, { server: url, caPem: tls.caPem, token, context, user: name });
      users[name] = { username: user.username, groups: user.groups, token, kubeconfigPath: path, context };
    }
    return { port, url, kubeconfigPath, users };
  }
  const { port, url, kubeconfigPath, users } = await listenAndWrite().catch(async (error: unknown) => {
    await close(); // a port in use, a --kubeconfig-out that cannot be written: nothing is left running or behind
    throw error;
  });

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
    peakStdinHeld: () => execs.peakStdinHeld,
    stdinPauses: () => execs.stdinPauses,
    resetStdinCounts: () => execs.resetStdinCounts(),
    liveProcessGroups: () => sessions.live(),
    podWatchers: (namespace) => state.podWatchers(namespace),
    deletePod: (namespace, name) => state.deletePod(namespace, name) !== undefined,
    setFaults: (plans) => faults.set(plans),
    refuseConnectionsFor: async (ms) => {
      // Stop listening (connections get ECONNREFUSED, as from a restarting API server), then listen again on the same port.
      server.close(); // its callback waits for open connections: running execs go on
      await new Promise((resolve) => setTimeout(resolve, ms));
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    },
    close,
  };
}


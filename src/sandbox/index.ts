// The sandbox cluster: a small Kubernetes API on 127.0.0.1 whose pods are local processes (see
// docs/sandbox.md). Its code (TLS, the API server, processes, isolation) is in start-sandbox.ts
// and loaded when a sandbox starts, so a program that only might start one (the server with a
// kubeconfig, the batch command) does not pay for it.
import type { ExecTransport } from './transports/exec-transport.ts';
import type { Isolation } from './containers/container-runtime.ts';
import type { SandboxFixture } from './fixture/fixture.ts';
import type { FaultPlan } from './faults/faults.ts';
import type { SANDBOX_CONTEXT } from './api/kubeconfig.ts';

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
  /**
   * when the pods' containers start: 'at-once' (default), in the background as the sandbox
   * starts, so that a first exec finds its pod running; 'on-first-use', at a pod's first exec (or
   * debug container). A container that runs a command starts at once either way: what it does
   * shows in the API, in its logs and its status. A test takes 'on-first-use': it starts a sandbox
   * of a dozen pods and uses one or two.
   */
  podStart?: 'at-once' | 'on-first-use';
}

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
  /**
   * the most stdin one exec held for its process (queued in the sandbox, not yet taken by the
   * process) since the start or the last reset: bounded, whatever the client sends
   */
  peakStdinHeld(): number;
  /** stdin chunks after which an exec stopped reading its client (its process's input full, or 1 MiB kept before it started) */
  stdinPauses(): number;
  /** starts both stdin counts again from zero */
  resetStdinCounts(): void;
  /** process groups started by execs that still have a live process */
  liveProcessGroups(): number[];
  /** who watches the pods of a namespace now, one user name per open watch (an impersonated watch is the person's) */
  podWatchers(namespace: string): string[];
  /** deletes a pod: its execs end, watchers get DELETED; false when there was no such pod */
  deletePod(namespace: string, name: string): boolean;
  /** fault injection (docs/sandbox.md): plans for execs from now on; [] for none */
  setFaults(plans: FaultPlan[]): void;
  /** like an API server restart: new connections are refused for `ms`, then served again */
  refuseConnectionsFor(ms: number): Promise<void>;
  /** ends every exec and watch, stops the server */
  close(): Promise<void>;
}

/** Starts a sandbox cluster: an https server with a fresh CA, a bearer token, a kubeconfig that points at it, and the fixture's pods. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return (await import('./start-sandbox.ts')).startSandbox(options);
}

export { SANDBOX_CONTEXT } from './api/kubeconfig.ts';
export type { SandboxFixture } from './fixture/fixture.ts';
export { demoFixture } from './fixture/demo-fixture.ts';

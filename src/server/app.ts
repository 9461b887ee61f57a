// The octant-exec server, wired: a cluster (the user's kubeconfig, or the sandbox started here),
// the actor system on the state directory's event log, the HTTP API, the stream hub and the
// page. Every request passes the front door first (requests.ts): Host, then Origin, then the
// sign-in mode's Authenticator (auth/), before any work.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeContexts } from '../adapters/kubernetes/kubeconfig.ts';
import { execAdapterFor, type ExecTransportChoice } from '../adapters/kubernetes/exec-transport-choice.ts';
import type { ExecAdapter } from '../adapters/exec.ts';
import { FileStore, type FileStoreOptions } from '../events/file-store.ts';
import { ExecSystem, type SnapshotPolicy } from '../runtime/exec-system.ts';
import type { SharedStore } from '../events/shared-store.ts';
import { ReplicaWatch } from '../runtime/replica-watch.ts';
import { SHARED_SNAPSHOT_FORMAT } from '../runtime/system-snapshot.ts';
import { REPLICA_MAX_HEADER_BYTES, ReplicaAuth } from './replicas/replica-auth.ts';
import { ReplicaPeers } from './replicas/replica-peers.ts';
import { derivedKey } from './replicas/derived-key.ts';
import { DEFAULT_RETENTION, LogUpkeep, fileLog, type Retention } from '../runtime/log-upkeep.ts';
import type { Sandbox, SandboxOptions } from '../sandbox/index.ts';
import { chooseCluster } from '../runtime/cluster-choice.ts';
import { ClusterReader } from '../adapters/kubernetes/cluster.ts';
import { KubePodWatches } from '../adapters/kubernetes/pod-watches.ts';
import type { PodWatching } from '../adapters/cluster.ts';
import { reviewToken } from '../adapters/kubernetes/token-review.ts';
import { FrontDoor, newToken } from './security.ts';
import { answerClientError } from './client-error.ts';
import { SessionPodGuard } from './pod-guard.ts';
import { DebugCopies } from './debug-copies.ts';
import { KubePodChanges } from '../adapters/kubernetes/debug-pods.ts';
import { DebugExecAdapter } from '../adapters/debug-exec.ts';
import { AttachExitAdapter } from '../adapters/attach-exit.ts';
import { KubeContainerRuns } from '../adapters/kubernetes/container-runs.ts';
import { debugImageList } from '../domain/debug-images.ts';
import { DEFAULT_MAX_ENDED_PER_PERSON, DEFAULT_MAX_LIVE_SESSIONS, DEFAULT_MAX_LIVE_SESSIONS_PER_PERSON } from '../domain/live-sessions.ts';
import { StaticUi } from './static-ui.ts';
import { StreamHub, type StreamHubOptions } from './stream-hub.ts';
import { warnIfClockBehind } from '../runtime/clock-behind.ts';
import { lockForWritingOrWait } from '../events/files/writer-lock-wait.ts';
import { keepaliveIntervals } from './keepalive.ts';
import type { AuthMode } from '../protocol/index.ts';
import { authSettings, type AuthOptions } from './auth/auth-settings.ts';
import { chooseAuthenticator } from './auth/choose-authenticator.ts';
import { ShareLinkAuthenticator } from './shares/share-links.ts';
import { endSharesOfEarlierSignIns, endSharesOfSignIn } from './shares/share-sign-ins.ts';
import { SharedRevocations } from './auth/shared-revocations.ts';
import { PROXY_MAX_HEADER_BYTES } from './auth/proxy-auth.ts';
import { FileRevocations } from './auth/file-revocations.ts';
import { tokenFromFile } from './auth/token-file.ts';
import { SIGNED_OUT_BY_ADMIN, socketCloseReason } from './auth/live-sessions.ts';
import { Recorder } from '../recording/recorder.ts';
import { FileRecordings } from '../recording/file-recordings.ts';
import type { RecordingStorage } from '../recording/recording-storage.ts';
import { DEFAULT_RECORDING } from '../recording/recording-policy.ts';
import type { RecordingPolicy } from '../protocol/http.ts';
import { listenForMetrics, type MetricsAddress, type MetricsListener } from './metrics/metrics-listener.ts';
import { SOCKET_PATH, handleRequest, handleUpgrade, type Gate, type ServerParts } from './requests.ts';

export { SOCKET_PATH } from './requests.ts';
export type { AuthOptions } from './auth/auth-settings.ts';
export const DEFAULT_PORT = 7788;

export interface OctantExecOptions {
  /** address to listen on; default 127.0.0.1 */
  host?: string;
  /** default 7788; 0 picks a free port */
  port?: number;
  /** a kubeconfig file to use (must be usable); default $KUBECONFIG's files (merged as kubectl merges them), else ~/.kube/config, else the sandbox */
  kubeconfig?: string;
  context?: string;
  /** start the built-in sandbox cluster even when a kubeconfig exists */
  sandbox?: boolean;
  sandboxOptions?: Omit<SandboxOptions, 'stateDir'>;
  stateDir: string;
  idleTimeoutSeconds?: number;
  /** how long a quiet terminal stays live before it is marked idle (default 60, capped by its idle timeout); tests shorten it to see an idle terminal's countdown */
  idleNoticeSeconds?: number;
  maxSessions?: number;
  /** team modes: terminals one person may run at once (--max-sessions-per-person; default 16, never past maxSessions) */
  maxSessionsPerPerson?: number;
  /** ended terminals one person keeps, past which their oldest-ended close (--max-ended-per-person; default 200, every mode) */
  maxEndedPerPerson?: number;
  /** origins allowed to frame /embed and open sockets from it */
  embedOrigins?: string[];
  /** extra names the Host header may carry (besides 127.0.0.1, localhost and [::1]) */
  hostNames?: string[];
  /** the built UI (default dist/ui of the package), or what builds it: called once the state directory is this server's (a second server stops before a build) */
  uiDir?: string | (() => Promise<string>);
  /** the stream hub's limits; its pingIntervalMs, when given, wins over keepaliveMs for the page hop */
  hub?: StreamHubOptions;
  /**
   * how often the server pings on both hops, the page sockets and the exec streams to the cluster
   * (--keepalive; keepalive.ts): shorter than the idle cut of any proxy or load balancer in
   * between. Default 15 s to the page, 5 s to the cluster
   */
  keepaliveMs?: number;
  /** how execs reach the cluster: auto (WebSocket, SPDY when refused; default), websocket, spdy */
  execTransport?: ExecTransportChoice;
  /** the images the Debug action may add as debug containers (--debug-image); default busybox:1.36 */
  debugImages?: string[];
  /** adapter to use instead (tests) */
  adapter?: (contexts: KubeContexts) => ExecAdapter;
  /** the event log: how long it keeps ended sessions, when it writes snapshots, its segment size */
  log?: { retention?: Partial<Retention>; snapshots?: Partial<SnapshotPolicy>; segmentBytes?: FileStoreOptions['segmentBytes'] };
  /** the environment to look for KUBECONFIG and HOME in; default process.env */
  env?: Record<string, string | undefined>;
  warn?: (message: string) => void;
  /** how people sign in (docs/team-mode.md); default local: the printed URL's per-launch token */
  auth?: AuthOptions;
  /** local mode's token from this file (made, 0600, when missing), so that replicas share it; default a new one per launch */
  tokenFile?: string;
  /** in a team mode, members of these groups see every terminal (watch, not type) and the whole audit trail */
  adminGroups?: string[];
  /**
   * the URL people open when a proxy or an Ingress is in front (https://exec.example.com): its Host
   * and origin are allowed, cookies get Secure when it is https, and OIDC's redirect URL is
   * URL/auth/callback; default the URL the server prints
   */
  publicUrl?: string;
  /**
   * an event log several replicas share (docs/scaling.md) instead of the state directory's files:
   * how to open it, and where the other replicas reach this one (its --advertise URL); and where
   * the replicas keep recordings, when that store keeps them too (else each replica's files)
   */
  sharedLog?: { open(advertise: string, warn: (message: string) => void): Promise<SharedStore>; advertise: string; recordings?(replica: string): Promise<RecordingStorage> };
  /** what is recorded (--record, --record-input, --record-max-bytes; docs/recordings.md); default opt-in, no keystrokes, 64 MiB */
  recording?: Partial<RecordingPolicy>;
  /** recordings in files keep off this much of the disk's free space, kept for the event log (--record-min-free; 0: none; docs/recordings.md) */
  recordMinFreeBytes?: number;
  /** the server's own identity from the service-account folder (in a pod) rather than a kubeconfig */
  inCluster?: boolean;
  /** serve Prometheus metrics there, apart from the app (--metrics-address; docs/operations.md, "Metrics") */
  metrics?: MetricsAddress;
  /** that folder (token, ca.crt, namespace); default /var/run/secrets/kubernetes.io/serviceaccount */
  serviceAccountDir?: string;
}

export interface RunningApp {
  url: string;
  /** local mode's per-launch token; it opens nothing in a team mode */
  token: string;
  auth: AuthMode;
  port: number;
  socketUrl: string;
  cluster: 'sandbox' | 'kubeconfig';
  /** one line: which cluster, and why */
  clusterNote: string;
  kubeconfigPath: string;
  stateDir: string;
  system: ExecSystem;
  hub: StreamHub;
  sandbox?: Sandbox;
  server: Server;
  /** where the metrics answer, when --metrics-address asked for them */
  metricsUrl?: string;
  /** resolves, with why, if the server must stop by itself (a replica that lost its lease in the shared log, a server its state directory's writer lock) */
  fatal: Promise<string>;
  /** end every exec, close every socket, stop the sandbox; safe to call twice */
  close(): Promise<void>;
}

export async function startOctantExec(options: OctantExecOptions): Promise<RunningApp> {
  const warn = options.warn ?? ((message: string) => console.error(`octant-exec: ${message}`));
  const auth = authSettings(options.auth); // a bad sign-in setup stops here, before anything starts
  const keepalive = keepaliveIntervals(options.keepaliveMs); // so does a keepalive out of range
  const publicOrigin = options.publicUrl === undefined ? undefined : publicUrlOrigin(options.publicUrl);
  mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
  let mustStop: (why: string) => void = () => {};
  const fatal = new Promise<string>((resolve) => (mustStop = resolve));
  // One server per state directory: a second stops here, naming the first, before its sandbox
  // (whose files are in the same directory) replaces the running one's. One that was stopped past
  // the lock's stale time, which another took over meanwhile, stops as a replica that lost its lease does.
  const store = options.sharedLog ? undefined : new FileStore(options.stateDir, { warn, segmentBytes: options.log?.segmentBytes, lockLost: (why) => mustStop(why) });
  if (store) await lockForWritingOrWait(store, warn);
  const letGo = (error: unknown): never => {
    store?.close();
    throw error;
  };
  const uiDir = typeof options.uiDir === 'function' ? await options.uiDir().catch(letGo) : options.uiDir;

  // inCluster and serviceAccountDir go through to chooseCluster with the rest of the options.
  const cluster = await chooseCluster({ ...options, sandboxOptions: { ...options.sandboxOptions, stateDir: join(options.stateDir, 'sandbox') } }).catch(letGo);
  const { sandbox } = cluster;
  // In a team mode the sandbox is reached as a deployed server reaches its cluster: as its
  // `octant-exec` identity, whose only rights are deploy/rbac.yaml's (impersonation, reviews), so
  // every person's call impersonates them and the sandbox's RBAC decides as a real cluster would.
  const serverIdentity = auth.mode !== 'local' && sandbox ? sandbox.users['octant-exec'].kubeconfigPath : undefined;
  const kubeconfigPath = serverIdentity ?? cluster.kubeconfigPath;
  const contexts = serverIdentity ? KubeContexts.fromFile(serverIdentity) : cluster.contexts;

  let shared: SharedStore | undefined;
  let watch: ReplicaWatch | undefined;
  let peers: ReplicaPeers | undefined;
  let system: ExecSystem | undefined;
  let upkeep: LogUpkeep | undefined;
  let server: Server | undefined;
  let hub: StreamHub | undefined;
  let pods: PodWatching | undefined;
  let copies: DebugCopies | undefined;
  let recorder: Recorder | undefined;
  let metrics: MetricsListener | undefined;
  try {
    // Until the parts are set, only the probes answer (/readyz: 503); the rest is told to wait.
    const gate: Gate = { readiness: 'starting' };
    // a replica takes vouchers from the others, which carry a person with all their groups (replica-auth.ts); a proxy sends all their groups too
    const maxHeaderSize = options.sharedLog ? REPLICA_MAX_HEADER_BYTES : auth.mode === 'proxy' ? PROXY_MAX_HEADER_BYTES : undefined;
    server = createServer(maxHeaderSize ? { maxHeaderSize } : {}, (req, res) => void handleRequest(gate, req, res));
    server.on('upgrade', (req, socket, head) => handleUpgrade(gate, req, socket, head));
    server.on('clientError', answerClientError);
    const host = options.host ?? '127.0.0.1';
    // Listen before the log is touched: a port in use (another octant-exec?) stops the start having written nothing.
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(options.port ?? DEFAULT_PORT, host, () => resolve());
    });
    const retention = { ...DEFAULT_RETENTION, ...options.log?.retention };
    const reader = new ClusterReader(contexts);
    const podChanges = new KubePodChanges(reader);
    const debugImages = debugImageList(options.debugImages);
    // the limits per person in force: the supervisor's, and what GET /info says of them
    const perPerson = {
      maxSessionsPerPerson: auth.mode === 'local' ? null : Math.min(options.maxSessionsPerPerson ?? DEFAULT_MAX_LIVE_SESSIONS_PER_PERSON, options.maxSessions ?? DEFAULT_MAX_LIVE_SESSIONS),
      maxEndedPerPerson: options.maxEndedPerPerson ?? DEFAULT_MAX_ENDED_PER_PERSON,
    };
    const systemOptions = {
      // debug actions get their debug container first (debug-exec.ts), whatever carries the exec;
      // an attach (to a new debug container's shell too) gets its exit code from the container's status
      adapter: new DebugExecAdapter(new AttachExitAdapter(options.adapter ? options.adapter(contexts) : execAdapterFor(contexts, options.execTransport, { pingIntervalMs: keepalive.clusterMs }), new KubeContainerRuns(reader)), podChanges, debugImages),
      config: {
        ...(options.idleTimeoutSeconds !== undefined ? { idleTimeoutMs: options.idleTimeoutSeconds * 1000 } : {}),
        ...(options.idleNoticeSeconds !== undefined ? { idleNoticeMs: options.idleNoticeSeconds * 1000 } : {}),
        ...(options.maxSessions !== undefined ? { maxLiveSessions: options.maxSessions } : {}),
        ...(perPerson.maxSessionsPerPerson === null ? {} : { maxLiveSessionsPerPerson: perPerson.maxSessionsPerPerson }),
        maxEndedPerPerson: perPerson.maxEndedPerPerson,
      },
      snapshots: options.log?.snapshots,
      warn,
    };
    if (options.sharedLog) {
      shared = await options.sharedLog.open(options.sharedLog.advertise, warn);
      const start = await shared.start((format) => format === SHARED_SNAPSHOT_FORMAT);
      system = ExecSystem.openShared({ ...systemOptions, store: shared, start, onLeaseLost: () => mustStop('this replica lost its lease in the shared event log') });
      watch = new ReplicaWatch(system, shared, warn);
      await watch.start();
      const sharedLog = shared;
      upkeep = new LogUpkeep(system, { compactionBase: () => sharedLog.compactionBase((format) => format === SHARED_SNAPSHOT_FORMAT), compact: (policy) => sharedLog.compact(policy) }, retention, warn);
      peers = new ReplicaPeers(shared.replica, new ReplicaAuth(derivedKey(shared.sharedKey, 'replica voucher'), auth.mode, () => shared!.now(), shared.replica.id, warn), watch);
    } else {
      const log = store!; // taken above, for want of a shared log
      system = ExecSystem.open({ ...systemOptions, store: log });
      warnIfClockBehind(system.clock, warn);
      upkeep = new LogUpkeep(system, fileLog(log, warn), retention, warn);
    }
    // in the shared store when it keeps them (every replica plays every recording), else the state directory's files
    const recordingStorage = shared && options.sharedLog?.recordings ? await options.sharedLog.recordings(shared.replica.id) : new FileRecordings(join(options.stateDir, 'recordings'), options.recordMinFreeBytes);
    recorder = new Recorder(system, recordingStorage, { ...DEFAULT_RECORDING, ...options.recording }, warn);
    const recordings = recorder;
    upkeep.alsoExpire((before) => void recordings.expire(before)); // it warns of what it cannot remove itself
    // a replica joining a shared log leaves the others' copies alone: they are theirs to delete
    copies = new DebugCopies(system, podChanges, warn, !options.sharedLog);
    let guard: SessionPodGuard | undefined;
    pods = new KubePodWatches(reader, (context, namespace, pod) => guard?.podGone(context, namespace, pod));
    guard = new SessionPodGuard(system, pods);
    hub = new StreamHub(system, { warn, ...options.hub, pingIntervalMs: options.hub?.pingIntervalMs ?? keepalive.pageMs }, pods, peers);
    if (options.metrics) metrics = await listenForMetrics(options.metrics, system, hub, warn);
    const ui = new StaticUi(uiDir ?? fileURLToPath(new URL('../../dist/ui', import.meta.url)));
    const token = options.tokenFile === undefined ? newToken() : tokenFromFile(options.tokenFile);
    const info: ServerParts['info'] = {
      cluster: cluster.kind,
      context: contexts.current,
      user: contexts.user(),
      socket: SOCKET_PATH,
      idleTimeoutSeconds: options.idleTimeoutSeconds ?? 300,
      maxSessions: options.maxSessions ?? DEFAULT_MAX_LIVE_SESSIONS,
      ...perPerson,
      sandboxIsolation: sandbox?.isolation ?? null,
      uiBuilt: ui.built,
      limits: hub.limits,
      debugImages,
      recording: recorder.policy,
    };
    const port = (server.address() as AddressInfo).port;
    const hostNames = [...(options.hostNames ?? [])];
    // the other replicas call this one at its advertised address
    if (options.sharedLog) hostNames.push(new URL(options.sharedLog.advertise).host);
    if (!['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::'].includes(host)) hostNames.push(host.includes(':') ? `[${host}]` : host);
    const door = new FrontDoor({ token, port, hostNames, embedOrigins: options.embedOrigins, publicOrigins: publicOrigin ? [publicOrigin] : [] });
    const base = `${urlHost(host)}:${port}`;
    const url = publicOrigin ? `${publicOrigin}/` : `http://${base}/`;
    const socketUrl = `${publicOrigin ? publicOrigin.replace(/^http/, 'ws') : `ws://${base}`}${SOCKET_PATH}`;
    // Replicas sign their sign-in cookies with a key from the shared log, unless one was given: a cookie made by one is good on all.
    const sessionKey = shared && (auth.mode === 'kube-token' || auth.mode === 'oidc') && !auth.sessionKey ? { sessionKey: derivedKey(shared.sharedKey, 'sign-in sessions') } : {};
    // ...and hear of each other's sign-outs through it; one server with a session key (its sessions outlive a restart) keeps them in its state folder.
    const signsIn = auth.mode === 'kube-token' || auth.mode === 'oidc';
    // (in proxy mode, only an admin's sign-out of a person: each replica closes their sockets)
    const revocations = (signsIn || auth.mode === 'proxy') && shared ? { revocations: new SharedRevocations(shared, warn) } : signsIn && auth.sessionKey ? { revocations: new FileRevocations(join(options.stateDir, 'sign-outs'), warn) } : {};
    const chosen = chooseAuthenticator({ ...auth, ...sessionKey }, { door, adminGroups: options.adminGroups ?? [], publicOrigin: publicOrigin ?? `http://${base}`, review: (t) => reviewToken(contexts, t), warn, ...revocations });
    // local mode's share links let a browser in to one terminal (shares/share-links.ts); a team mode's need a signed-in person
    const authenticator = chosen.mode === 'local' ? new ShareLinkAuthenticator(chosen, system, { secure: door.secure }) : chosen;
    const [openHub, sharing] = [hub, system];
    // sign-ins kept in memory ended with the run that kept them: the shares made in them too
    if (signsIn && !auth.sessionKey && !shared) endSharesOfEarlierSignIns(system, Date.now());
    authenticator.onEnded((caller, how) => {
      openHub.closeFor(caller, socketCloseReason(how));
      // a share outlives no sign-in (its participants typed as this person); one only forgotten here lives on
      if (how === 'ended') endSharesOfSignIn(sharing, caller, Date.now());
    });
    authenticator.onPersonSignedOut((user, at) => openHub.closeForPerson(user, SIGNED_OUT_BY_ADMIN, at));
    gate.parts = { system, reader, pods: podChanges, copies, recorder, hub, ui, info, door, auth: authenticator, warn, ...(peers ? { peers } : {}) };
    gate.readiness = 'open';
    let closing: Promise<void> | undefined;
    const [s, h, sys, p, g, u, w, c, r] = [server, hub, system, pods, guard, upkeep, watch, copies, recorder];
    return {
      url,
      token,
      auth: authenticator.mode,
      port,
      socketUrl,
      cluster: cluster.kind,
      clusterNote: cluster.note,
      kubeconfigPath,
      stateDir: options.stateDir,
      system: sys,
      hub: h,
      sandbox,
      server: s,
      ...(metrics ? { metricsUrl: metrics.url } : {}),
      fatal,
      close: () =>
        (closing ??= (async () => {
          gate.readiness = 'closing';
          await metrics?.close();
          authenticator.close(); // its session timers
          g.close();
          p.close();
          await u?.close();
          await w?.close();
          await c.close(); // the copies being deleted are (the rest are deleted at the next start)
          await r.close(); // recordings end with their runs, and are compressed
          await sys.shutdown(); // every exec ends; the log says why, gets a snapshot, and is closed (a shared one: its lease given up)
          h.close();
          await new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          });
          await cluster.close();
        })()),
    };
  } catch (error) {
    await metrics?.close();
    await recorder?.close();
    await copies?.close();
    pods?.close();
    hub?.close();
    server?.close();
    await upkeep?.close();
    await watch?.close();
    if (system) await system.shutdown();
    else store?.close(); // lets go of the state directory, if this start had taken it
    if (shared && !system) await shared.close(0).catch(() => undefined);
    await cluster.close();
    throw error;
  }
}

/** The host to print in the URL: the address listened on, or loopback for a wildcard. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '127.0.0.1') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The origin of --public-url: http(s), nothing after the host but an optional "/". */
function publicUrlOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--public-url must be a URL like https://exec.example.com, not "${text.slice(0, 60)}"`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username) {
    throw new Error('--public-url is the origin people open, like https://exec.example.com, without a path, query or credentials');
  }
  return url.origin;
}

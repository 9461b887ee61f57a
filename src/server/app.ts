// The octant-exec server, wired: a cluster (the user's kubeconfig, or the sandbox started here),
// the actor system on the state directory's event log, the HTTP API, the stream hub and the
// page. Every request passes the front door first (security.ts): Host, then Origin, then the
// token, before any work.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeContexts } from '../adapters/kubernetes/kubeconfig.ts';
import { execAdapterFor, type ExecTransportChoice } from '../adapters/kubernetes/exec-transport-choice.ts';
import type { ExecAdapter } from '../adapters/exec.ts';
import { FileStore, type FileStoreOptions } from '../events/file-store.ts';
import { ExecSystem, type SnapshotPolicy } from '../runtime/exec-system.ts';
import { DEFAULT_RETENTION, LogUpkeep, type Retention } from '../runtime/log-upkeep.ts';
import type { Sandbox, SandboxOptions } from '../sandbox/index.ts';
import { chooseCluster } from '../runtime/cluster-choice.ts';
import { ClusterReader } from '../adapters/kubernetes/cluster.ts';
import { KubePodWatches } from '../adapters/kubernetes/pod-watches.ts';
import { ClusterError, type ClusterView, type PodWatching } from '../adapters/cluster.ts';
import { handleApi, readJson } from './http-api.ts';
import { HttpError, refuseUpgrade, sendError, sendJson } from './replies.ts';
import { FrontDoor, authMessages, newToken, sameSecret, securityHeaders, type AuthProblem } from './security.ts';
import { SessionPodGuard } from './pod-guard.ts';
import { LOCAL_CALLER } from './caller.ts';
import { StaticUi } from './static-ui.ts';
import { StreamHub, type StreamHubOptions } from './stream-hub.ts';
import type { ServerInfo } from '../protocol/index.ts';

export const DEFAULT_PORT = 7788;
export const SOCKET_PATH = '/api/v1/stream';
const LOGIN_PATH = '/api/v1/session';

export interface OctantExecOptions {
  /** address to listen on; default 127.0.0.1 */
  host?: string;
  /** default 7788; 0 picks a free port */
  port?: number;
  /** a kubeconfig file to use (must be usable); default $KUBECONFIG, then ~/.kube/config, then the sandbox */
  kubeconfig?: string;
  context?: string;
  /** start the built-in sandbox cluster even when a kubeconfig exists */
  sandbox?: boolean;
  sandboxOptions?: Omit<SandboxOptions, 'stateDir'>;
  stateDir: string;
  idleTimeoutSeconds?: number;
  maxSessions?: number;
  /** origins allowed to frame /embed and open sockets from it */
  embedOrigins?: string[];
  /** extra names the Host header may carry (besides 127.0.0.1, localhost and [::1]) */
  hostNames?: string[];
  /** the built UI; default dist/ui of the package */
  uiDir?: string;
  hub?: StreamHubOptions;
  /** how execs reach the cluster: auto (WebSocket, SPDY when refused; default), websocket, spdy */
  execTransport?: ExecTransportChoice;
  /** adapter to use instead (tests) */
  adapter?: (contexts: KubeContexts) => ExecAdapter;
  /** the event log: how long it keeps ended sessions, when it writes snapshots, its segment size */
  log?: { retention?: Partial<Retention>; snapshots?: Partial<SnapshotPolicy>; segmentBytes?: FileStoreOptions['segmentBytes'] };
  /** the environment to look for KUBECONFIG and HOME in; default process.env */
  env?: Record<string, string | undefined>;
  warn?: (message: string) => void;
}

export interface RunningApp {
  url: string;
  token: string;
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
  /** end every exec, close every socket, stop the sandbox; safe to call twice */
  close(): Promise<void>;
}

export async function startOctantExec(options: OctantExecOptions): Promise<RunningApp> {
  const warn = options.warn ?? ((message: string) => console.error(`octant-exec: ${message}`));
  mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });

  const cluster = await chooseCluster({ ...options, sandboxOptions: { ...options.sandboxOptions, stateDir: join(options.stateDir, 'sandbox') } });
  const { contexts, kubeconfigPath, sandbox } = cluster;

  let store: FileStore | undefined;
  let system: ExecSystem | undefined;
  let upkeep: LogUpkeep | undefined;
  let server: Server | undefined;
  let hub: StreamHub | undefined;
  let pods: PodWatching | undefined;
  try {
    let app: AppParts | undefined; // set in the same turn as `listen` returns: no request is read before
    server = createServer((req, res) => void handleRequest(app!, req, res));
    server.on('upgrade', (req, socket, head) => handleUpgrade(app!, req, socket, head));
    server.on('clientError', (_error, socket) => socket.destroy());
    const host = options.host ?? '127.0.0.1';
    // Listen before the log is touched: a port in use (another octant-exec?) stops the start having written nothing.
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(options.port ?? DEFAULT_PORT, host, () => resolve());
    });
    store = new FileStore(options.stateDir, { warn, segmentBytes: options.log?.segmentBytes });
    store.lockForWriting(); // one server per state directory: a second stops here, naming the first
    system = ExecSystem.open({
      adapter: options.adapter ? options.adapter(contexts) : execAdapterFor(contexts, options.execTransport),
      store,
      config: {
        ...(options.idleTimeoutSeconds !== undefined ? { idleTimeoutMs: options.idleTimeoutSeconds * 1000 } : {}),
        ...(options.maxSessions !== undefined ? { maxLiveSessions: options.maxSessions } : {}),
      },
      snapshots: options.log?.snapshots,
      warn,
    });
    upkeep = new LogUpkeep(system, store, { ...DEFAULT_RETENTION, ...options.log?.retention }, warn);
    const reader = new ClusterReader(contexts);
    let guard: SessionPodGuard | undefined;
    pods = new KubePodWatches(reader, (context, namespace, pod) => guard?.podGone(context, namespace, pod));
    guard = new SessionPodGuard(system, pods);
    hub = new StreamHub(system, options.hub, pods);
    const ui = new StaticUi(options.uiDir ?? fileURLToPath(new URL('../../dist/ui', import.meta.url)));
    const token = newToken();
    let door: FrontDoor | undefined;
    const info: AppParts['info'] = {
      cluster: cluster.kind,
      context: contexts.current,
      user: contexts.user(),
      socket: SOCKET_PATH,
      idleTimeoutSeconds: options.idleTimeoutSeconds ?? 300,
      maxSessions: options.maxSessions ?? null,
      sandboxIsolation: sandbox?.isolation ?? null,
      uiBuilt: ui.built,
      limits: hub.limits,
    };
    app = { system, reader, hub, ui, info, door: () => door!, warn };
    const port = (server.address() as AddressInfo).port;
    const hostNames = [...(options.hostNames ?? [])];
    if (!['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::'].includes(host)) hostNames.push(host.includes(':') ? `[${host}]` : host);
    door = new FrontDoor({ token, port, hostNames, embedOrigins: options.embedOrigins });
    const base = `${urlHost(host)}:${port}`;
    const url = `http://${base}/`;
    const socketUrl = `ws://${base}${SOCKET_PATH}`;
    let closing: Promise<void> | undefined;
    const [s, h, sys, p, g, u] = [server, hub, system, pods, guard, upkeep];
    return {
      url,
      token,
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
      close: () =>
        (closing ??= (async () => {
          g.close();
          p.close();
          await u.close();
          sys.shutdown(); // every exec ends; the log says why, gets a snapshot, and is closed
          h.close();
          await new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          });
          await cluster.close();
        })()),
    };
  } catch (error) {
    pods?.close();
    hub?.close();
    server?.close();
    await upkeep?.close();
    if (system) system.shutdown();
    else store?.close(); // lets go of the state directory, if this start had taken it
    await cluster.close();
    throw error;
  }
}

/** The host to print in the URL: the address listened on, or loopback for a wildcard. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '127.0.0.1') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

interface AppParts {
  system: ExecSystem;
  reader: ClusterView;
  hub: StreamHub;
  ui: StaticUi;
  info: Omit<ServerInfo, 'signedIn'>;
  door(): FrontDoor;
  warn(message: string): void;
}

const authStatus: Record<AuthProblem, number> = { missing: 401, wrong: 401, tokenInQuery: 400 };

async function handleRequest(app: AppParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const door = app.door();
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    return sendError(res, 400, 'The request path is not valid.');
  }
  for (const [name, value] of Object.entries(securityHeaders(url.pathname, door.embedOrigins))) res.setHeader(name, value as string);
  // DNS rebinding: a foreign Host never reaches anything, the page included.
  if (!door.hostAllowed(req.headers.host)) return sendError(res, 403, 'This Host is not allowed: open octant-exec through the URL it printed (127.0.0.1 or localhost).');
  try {
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      // A page elsewhere may not drive the API even when the browser would send the cookie.
      const origin = req.headers.origin;
      if (origin !== undefined && !door.originAllowed(origin)) throw new HttpError(403, 'Requests from this Origin are not allowed.');
      if (url.pathname === LOGIN_PATH) return await login(door, req, res, url);
      const problem = door.authenticate(req);
      if (problem) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        throw new HttpError(authStatus[problem], authMessages[problem]);
      }
      if (!url.pathname.startsWith('/api/v1/')) throw new HttpError(404, `No API at ${url.pathname.slice(0, 200)}: see docs/api.md.`);
      return await handleApi(app, LOCAL_CALLER, req, res, url.pathname.slice('/api/v1'.length), url);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Only GET and HEAD are allowed here.');
    if (!app.ui.serve(req, res, url.pathname, {})) throw new HttpError(404, 'Not found.');
  } catch (error) {
    if (error instanceof HttpError || error instanceof ClusterError) return sendError(res, error.status, error.message);
    app.warn(`internal error on ${req.method} ${url.pathname}: ${(error as Error)?.message ?? String(error)}`);
    sendError(res, 500, 'Internal error: the server log has a line about it.');
  }
}

/** The page trades the token (from the URL fragment) for the session cookie, once. */
async function login(door: FrontDoor, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (url.search) throw new HttpError(400, 'The token goes in the JSON body, never in the query string.');
  if (req.method !== 'POST') throw new HttpError(405, 'POST {"token": "…"} here to get the session cookie.');
  const body = await readJson(req);
  const token = (body as { token?: unknown })?.token;
  if (typeof token !== 'string' || token.length > 512) throw new HttpError(400, 'The body must be {"token": "…"}.');
  if (!sameSecret(token, door.token)) throw new HttpError(401, authMessages.wrong);
  sendJson(res, 200, { ok: true }, { 'Set-Cookie': door.sessionCookie() });
}

function handleUpgrade(app: AppParts, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => {}); // a client that vanishes mid-handshake is not our error
  const door = app.door();
  let pathname: string;
  try {
    pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  } catch {
    return refuseUpgrade(socket, 400, 'The request path is not valid.');
  }
  if (!door.hostAllowed(req.headers.host)) return refuseUpgrade(socket, 403, 'This Host is not allowed.');
  if (!door.originAllowed(req.headers.origin)) return refuseUpgrade(socket, 403, 'Sockets are only accepted from the octant-exec page (or a configured --embed-origin): this Origin is not allowed.');
  if (pathname !== SOCKET_PATH) return refuseUpgrade(socket, 404, `The terminal socket is at ${SOCKET_PATH}.`);
  const problem = door.authenticate(req);
  if (problem) return refuseUpgrade(socket, authStatus[problem], authMessages[problem]);
  app.hub.handleUpgrade(req, socket, head, LOCAL_CALLER);
}

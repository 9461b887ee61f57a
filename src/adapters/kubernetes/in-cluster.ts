// octant-exec inside the cluster it serves (team mode, --in-cluster): its identity is the pod's
// service account, from the folder the kubelet mounts (token, ca.crt, namespace), and the API
// server is the one the kubelet names in KUBERNETES_SERVICE_HOST and _PORT. The kubelet rotates a
// projected token (about hourly, by swapping the folder's ..data link): every request reads the
// token again when the file has changed since the last read, so none goes out with an old one.
// (client-node's own in-cluster config re-reads only every 60 s.)
import type { Authenticator } from '@kubernetes/client-node/dist/auth.js';
import type { User } from '@kubernetes/client-node/dist/config_types.js';
import { Buffer } from 'node:buffer';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import process from 'node:process';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The kubeconfig user's auth-provider name that ServiceAccountToken serves (not client-node's `tokenFile`, which it would take first). */
const PROVIDER = 'octant-exec-service-account';
export const IN_CLUSTER_CONTEXT = 'in-cluster';

export interface InClusterOptions {
  /** the service account folder; default /var/run/secrets/kubernetes.io/serviceaccount */
  dir?: string;
  /** where KUBERNETES_SERVICE_HOST and _PORT are read; default process.env */
  env?: Record<string, string | undefined>;
}

/** What a kubeconfig would say for the pod's own identity, plus the authenticator that reads its token. */
export interface InClusterIdentity {
  /** client-node's kubeconfig shape (KubeConfig.loadFromOptions) */
  options: { clusters: object[]; users: User[]; contexts: object[]; currentContext: string };
  token: ServiceAccountToken;
  namespace: string;
  server: string;
}

const notFound = (what: string) =>
  `--in-cluster: ${what} not found: is octant-exec running in a pod with a service account token mounted? Use --service-account-dir to point elsewhere.`;

/** Throws an Error whose message says what is missing and what to do. */
export function inClusterIdentity(options: InClusterOptions = {}): InClusterIdentity {
  const dir = options.dir ?? SERVICE_ACCOUNT_DIR;
  const env = options.env ?? process.env;
  const server = apiServer(env);
  const tokenPath = join(dir, 'token');
  const caPath = join(dir, 'ca.crt');
  if (!isFile(tokenPath)) throw new Error(notFound(`the service account token ${tokenPath}`));
  if (!isFile(caPath)) throw new Error(notFound(`the cluster's CA certificate ${caPath}`));
  const token = new ServiceAccountToken(tokenPath);
  const first = token.readNow(); // refuses an empty token now, not at the first request
  const namespacePath = join(dir, 'namespace');
  const namespace = (isFile(namespacePath) ? readFileSync(namespacePath, 'utf8').trim() : '') || 'default';
  const user: User = { name: tokenSubject(first) ?? `the pod's service account`, authProvider: { name: PROVIDER, config: { path: tokenPath } } };
  return {
    options: {
      clusters: [{ name: IN_CLUSTER_CONTEXT, server, caFile: caPath, skipTLSVerify: false }],
      users: [user],
      contexts: [{ name: IN_CLUSTER_CONTEXT, cluster: IN_CLUSTER_CONTEXT, user: user.name, namespace }],
      currentContext: IN_CLUSTER_CONTEXT,
    },
    token,
    namespace,
    server,
  };
}

function apiServer(env: Record<string, string | undefined>): string {
  const host = env.KUBERNETES_SERVICE_HOST?.trim();
  const port = env.KUBERNETES_SERVICE_PORT?.trim();
  for (const [name, value] of [['KUBERNETES_SERVICE_HOST', host], ['KUBERNETES_SERVICE_PORT', port]] as const) {
    if (!value) throw new Error(`--in-cluster: ${name} not found in the environment: is octant-exec running in a pod? Kubernetes sets KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT in every container.`);
  }
  if (!/^\d{1,5}$/.test(port!) || Number(port) < 1 || Number(port) > 65535) throw new Error(`--in-cluster: KUBERNETES_SERVICE_PORT "${port}" is not a port number.`);
  return `https://${isIPv6(host!) ? `[${host}]` : host}:${port}`;
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** The service account a token belongs to, from its (unverified) JWT `sub`: only a label for the audit trail and notes. */
function tokenSubject(token: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof claims?.sub === 'string' && claims.sub ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}

/** client-node's Authenticator for the in-cluster user: the current token as a bearer, on every request. */
export class ServiceAccountToken implements Authenticator {
  #token = '';
  /** identity of the file last read: a kubelet swap (new inode) or a rewrite (mtime, size) changes it */
  #read = '';

  constructor(readonly path: string) {}

  isAuthProvider(user: User): boolean {
    return user.authProvider?.name === PROVIDER;
  }

  async applyAuthentication(_user: User, options: Parameters<Authenticator['applyAuthentication']>[1]): Promise<void> {
    // client-node has made the headers an object by now (applyAuthorizationHeader)
    const request = options as { headers?: Record<string, unknown> };
    (request.headers ??= {}).Authorization = `Bearer ${await this.current()}`;
  }

  /** The token as the file has it now; read again only when the file changed. */
  async current(): Promise<string> {
    let stamp: string;
    try {
      stamp = fileStamp(await stat(this.path));
    } catch (error) {
      throw new Error(`${notFound(`the service account token ${this.path}`)} (${(error as { code?: string }).code ?? error})`);
    }
    if (stamp !== this.#read) this.#remember(await readFile(this.path, 'utf8'), stamp);
    return this.#token;
  }

  /** At start: read it once, synchronously. */
  readNow(): string {
    this.#remember(readFileSync(this.path, 'utf8'), fileStamp(statSync(this.path)));
    return this.#token;
  }

  #remember(text: string, stamp: string): void {
    const token = text.trim();
    // Not kept: a file caught half-written fails this request, and the next one reads it again.
    if (!token) throw new Error(`--in-cluster: the service account token ${this.path} is empty.`);
    this.#token = token;
    this.#read = stamp;
  }
}

function fileStamp(stats: { ino: number; size: number; mtimeMs: number; ctimeMs: number }): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

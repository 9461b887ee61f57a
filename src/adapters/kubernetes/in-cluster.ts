// octant-exec inside the cluster it serves (team mode, --in-cluster): its identity is the pod's
// service account, from the folder the kubelet mounts (token, ca.crt, namespace), and the API
// server is the one the kubelet names in KUBERNETES_SERVICE_HOST and _PORT. The kubelet rotates a
// projected token: it is read again as it changes (token-file.ts).
import type { User } from '@kubernetes/client-node/dist/config_types.js';
import { Buffer } from 'node:buffer';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import process from 'node:process';
import { TokenFile, tokenFileProvider } from './token-file.ts';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
export const IN_CLUSTER_CONTEXT = 'in-cluster';

export interface InClusterOptions {
  /** the service account folder; default /var/run/secrets/kubernetes.io/serviceaccount */
  dir?: string;
  /** where KUBERNETES_SERVICE_HOST and _PORT are read; default process.env */
  env?: Record<string, string | undefined>;
}

/** What a kubeconfig would say for the pod's own identity: a user whose token is the file's. */
export interface InClusterIdentity {
  /** client-node's kubeconfig shape (KubeConfig.loadFromOptions) */
  options: { clusters: object[]; users: User[]; contexts: object[]; currentContext: string };
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
  const token = new TokenFile(tokenPath, {
    unreadable: (why) => `${notFound(`the service account token ${tokenPath}`)} (${why})`,
    empty: `--in-cluster: the service account token ${tokenPath} is empty.`,
  });
  const first = token.readNow(); // refuses an empty token now, not at the first request
  const namespacePath = join(dir, 'namespace');
  const namespace = (isFile(namespacePath) ? readFileSync(namespacePath, 'utf8').trim() : '') || 'default';
  const user: User = { name: tokenSubject(first) ?? `the pod's service account`, authProvider: tokenFileProvider(token) };
  return {
    options: {
      clusters: [{ name: IN_CLUSTER_CONTEXT, server, caFile: caPath, skipTLSVerify: false }],
      users: [user],
      contexts: [{ name: IN_CLUSTER_CONTEXT, cluster: IN_CLUSTER_CONTEXT, user: user.name, namespace }],
      currentContext: IN_CLUSTER_CONTEXT,
    },
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

// The user's kubeconfig, one KubeConfig per context, or (--in-cluster) the pod's service account
// as a one-context kubeconfig. Only that identity's credentials are used; a person's calls add
// impersonation on top of them (impersonation.ts). A cluster without a proxy-url is reached
// through the environment's proxy, as kubectl reaches it (env-proxy.ts).
// client-node's module, not its index, which would bring its whole generated API (see core-api.ts)
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import type { User } from '@kubernetes/client-node/dist/config_types.js';
import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import process from 'node:process';
import { withEnvironmentProxy } from './env-proxy.ts';
import { inClusterIdentity, type InClusterOptions } from './in-cluster.ts';
import { mergeKubeconfigs } from './kubeconfig-merge.ts';
import { TokenFile, tokenFileAuthenticator, tokenFileProvider } from './token-file.ts';

/** One kubeconfig file, its relative paths made absolute against its folder; throws when it does not parse. */
export function loadKubeconfig(path: string): KubeConfig {
  const folder = dirname(path);
  const document = load(readFileSync(path, 'utf8'));
  const tokenFiles = takeTokenFiles(document, folder);
  const config = new KubeConfig();
  config.loadFromString(JSON.stringify(document ?? null));
  config.makePathsAbsolute(folder);
  // client-node keeps the users in the file's order (an entry it cannot read throws)
  config.users = config.users.map((user, i) => (tokenFiles[i] ? withTokenFile(user, tokenFiles[i]) : user));
  return config;
}

/**
 * Each user's token file (kubectl's `tokenFile`, or client-node's `token-file`), by the user's
 * place in the file, made absolute against the kubeconfig's folder as kubectl makes it. Both
 * fields are taken out of the document, so that client-node does not read the file itself (once,
 * against the working folder, newline kept). None where the user has a `token`: that wins, as in
 * client-go.
 */
function takeTokenFiles(document: unknown, folder: string): (string | undefined)[] {
  const users = (document as { users?: unknown } | null)?.users;
  if (!Array.isArray(users)) return [];
  return users.map((entry: { user?: Record<string, unknown> } | null) => {
    if (!entry?.user || typeof entry.user !== 'object') return undefined;
    // its own copy: users written with a YAML anchor share one map, and each must keep its file
    const user = (entry.user = { ...entry.user });
    const file = user.tokenFile || user['token-file'];
    delete user.tokenFile;
    delete user['token-file'];
    return typeof file === 'string' && !user.token ? resolve(folder, file) : undefined;
  });
}

/** The user, its requests carrying the file's token: in client-go a bearer token wins over an exec plugin and an auth-provider, so neither runs. */
function withTokenFile(user: User, path: string): User {
  const file = new TokenFile(path, {
    unreadable: (why) => `The token file ${path} of kubeconfig user "${user.name}" cannot be read (${why}): put the user's token there, or point its tokenFile elsewhere.`,
    empty: `The token file ${path} of kubeconfig user "${user.name}" is empty: put the user's token there.`,
  });
  return { ...user, exec: undefined, authProvider: tokenFileProvider(file) };
}

export class KubeContexts {
  readonly #base: KubeConfig;
  readonly #byContext = new Map<string, KubeConfig>();

  /** `env`: where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read */
  constructor(
    base: KubeConfig,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {
    this.#base = base;
  }

  /** The pod's own service account (see in-cluster.ts); throws an Error that says what is missing. */
  static inCluster(options: InClusterOptions = {}): KubeContexts {
    const config = new KubeConfig();
    config.loadFromOptions(inClusterIdentity(options).options);
    return new KubeContexts(config);
  }

  static fromFile(path: string, context?: string): KubeContexts {
    return KubeContexts.merged([loadKubeconfig(path)], path, context);
  }

  /**
   * Files loaded with loadKubeconfig, merged as kubectl merges $KUBECONFIG's (kubeconfig-merge.ts);
   * `where` names them in the error when `context` is in none of them.
   */
  static merged(configs: KubeConfig[], where: string, context?: string): KubeContexts {
    const config = mergeKubeconfigs(configs);
    if (context) {
      if (!config.getContextObject(context)) throw new Error(`context "${context}" is not in ${where}; it has: ${config.getContexts().map((c) => c.name).join(', ') || 'none'}`);
      config.setCurrentContext(context);
    }
    return new KubeContexts(config);
  }

  get current(): string {
    return this.#base.getCurrentContext();
  }

  names(): string[] {
    return this.#base.getContexts().map((context) => context.name);
  }

  /**
   * The kubeconfig set to `context` (default: the current one): the same users (a token file's
   * reader among them; a copy through exportConfig would freeze a token read at load), and its
   * cluster with the environment's proxy where it names none. Throws an Error saying what is wrong.
   */
  config(context?: string): KubeConfig {
    const name = context ?? this.current;
    let config = this.#byContext.get(name);
    if (!config) {
      const contextObject = this.#base.getContextObject(name);
      if (!contextObject) throw new Error(`context "${name}" is not in the kubeconfig`);
      config = new KubeConfig();
      config.loadFromOptions({
        clusters: this.#base.clusters.map((cluster) => (cluster.name === contextObject.cluster ? withEnvironmentProxy(cluster, this.env) : cluster)),
        users: this.#base.users,
        contexts: this.#base.contexts,
        currentContext: name,
      });
      config.addAuthenticator(tokenFileAuthenticator);
      this.#byContext.set(name, config);
    }
    return config;
  }

  /** The user a context runs as, for the audit trail. */
  user(context?: string): string {
    return this.config(context).getCurrentUser()?.name ?? 'unknown';
  }

  server(context?: string): string {
    return this.config(context).getCurrentCluster()?.server ?? '(no server)';
  }

  defaultNamespace(context?: string): string {
    const config = this.config(context);
    return config.getContextObject(config.getCurrentContext())?.namespace ?? 'default';
  }
}

// The user's kubeconfig, one KubeConfig per context, or (--in-cluster) the pod's service account
// as a one-context kubeconfig. Only that identity's credentials are used; a person's calls add
// impersonation on top of them (impersonation.ts).
// client-node's module, not its index, which would bring its whole generated API (see core-api.ts)
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import type { Authenticator } from '@kubernetes/client-node/dist/auth.js';
import { inClusterIdentity, type InClusterOptions } from './in-cluster.ts';
import { mergeKubeconfigs } from './kubeconfig-merge.ts';

/** One kubeconfig file, its relative paths made absolute against its folder; throws when it does not parse. */
export function loadKubeconfig(path: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(path);
  return config;
}

export class KubeContexts {
  readonly #base: KubeConfig;
  readonly #byContext = new Map<string, KubeConfig>();

  /** `authenticators`: ours for auth-provider users (the in-cluster token), given to every context's copy */
  constructor(
    base: KubeConfig,
    private readonly authenticators: Authenticator[] = [],
  ) {
    this.#base = base;
    for (const authenticator of authenticators) base.addAuthenticator(authenticator);
  }

  /** The pod's own service account (see in-cluster.ts); throws an Error that says what is missing. */
  static inCluster(options: InClusterOptions = {}): KubeContexts {
    const identity = inClusterIdentity(options);
    const config = new KubeConfig();
    config.loadFromOptions(identity.options);
    return new KubeContexts(config, [identity.token]);
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

  /** The kubeconfig set to `context` (default: the current one). */
  config(context?: string): KubeConfig {
    const name = context ?? this.current;
    let config = this.#byContext.get(name);
    if (!config) {
      if (!this.#base.getContextObject(name)) throw new Error(`context "${name}" is not in the kubeconfig`);
      config = new KubeConfig();
      config.loadFromString(this.#base.exportConfig());
      config.setCurrentContext(name);
      for (const authenticator of this.authenticators) config.addAuthenticator(authenticator);
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

// Which cluster a command talks to: the user's kubeconfig when there is a usable one, else (or
// with --sandbox) the built-in sandbox cluster, reached through its own kubeconfig and the same
// adapters as a real cluster.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import process from 'node:process';
import { KubeContexts } from '../adapters/kubernetes/kubeconfig.ts';

export interface ClusterChoice {
  kind: 'sandbox' | 'kubeconfig';
  contexts: KubeContexts;
  kubeconfigPath: string;
  /** one line for the user: what was chosen and why */
  description: string;
  close(): Promise<void>;
}

export interface ClusterChoiceOptions {
  kubeconfig?: string;
  context?: string;
  sandbox?: boolean;
  /** where the sandbox keeps its files */
  sandboxStateDir?: string;
}

/** The kubeconfig kubectl would read: --kubeconfig, then $KUBECONFIG (first existing file), then ~/.kube/config. */
export function findKubeconfig(explicit?: string): string | undefined {
  if (explicit) return explicit;
  const fromEnv = process.env.KUBECONFIG?.split(delimiter).find((path) => path && existsSync(path));
  if (fromEnv) return fromEnv;
  const home = join(homedir(), '.kube', 'config');
  return existsSync(home) ? home : undefined;
}

export async function chooseCluster(options: ClusterChoiceOptions): Promise<ClusterChoice> {
  const path = options.sandbox ? undefined : findKubeconfig(options.kubeconfig);
  if (options.kubeconfig && !existsSync(options.kubeconfig)) throw new Error(`kubeconfig ${options.kubeconfig} does not exist`);
  if (path) {
    const contexts = KubeContexts.fromFile(path, options.context);
    return {
      kind: 'kubeconfig',
      contexts,
      kubeconfigPath: path,
      description: `using kubeconfig ${path}, context ${contexts.current} (${contexts.server()})`,
      close: async () => {},
    };
  }
  const { startSandbox } = await import('../sandbox/index.ts');
  const sandbox = await startSandbox({ stateDir: options.sandboxStateDir });
  return {
    kind: 'sandbox',
    contexts: KubeContexts.fromFile(sandbox.kubeconfigPath),
    kubeconfigPath: sandbox.kubeconfigPath,
    description: `${options.sandbox ? 'using' : 'no kubeconfig found: using'} the built-in sandbox cluster at ${sandbox.server} (kubectl --kubeconfig ${sandbox.kubeconfigPath})`,
    close: () => sandbox.close(),
  };
}

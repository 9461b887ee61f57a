// Which cluster octant-exec talks to: the user's kubeconfig when there is a usable one, else (or
// with --sandbox) the built-in sandbox cluster, reached through the kubeconfig it writes and the
// same adapters as a real cluster. Used by the server and by `octant-exec batch`.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import process from 'node:process';
import { KubeContexts } from '../adapters/kubernetes/kubeconfig.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/index.ts';

export interface ClusterChoiceOptions {
  /** a kubeconfig file that must be usable */
  kubeconfig?: string;
  context?: string;
  /** the sandbox even when a kubeconfig exists */
  sandbox?: boolean;
  sandboxOptions?: SandboxOptions;
  env?: Record<string, string | undefined>;
}

export interface ClusterChoice {
  kind: 'sandbox' | 'kubeconfig';
  contexts: KubeContexts;
  kubeconfigPath: string;
  /** one line for the user: which cluster, and why */
  note: string;
  sandbox?: Sandbox;
  /** stops the sandbox, if one was started */
  close(): Promise<void>;
}

/** The kubeconfig kubectl would use: the explicit one, $KUBECONFIG's first usable file, ~/.kube/config. */
export function findKubeconfig(options: Pick<ClusterChoiceOptions, 'kubeconfig' | 'context' | 'env'>): { path: string; contexts: KubeContexts } | { problem: string } | undefined {
  const env = options.env ?? process.env;
  if (options.kubeconfig) {
    try {
      return { path: options.kubeconfig, contexts: usable(options.kubeconfig, options.context) };
    } catch (error) {
      return { problem: `--kubeconfig ${options.kubeconfig} cannot be used: ${(error as Error).message}` };
    }
  }
  const candidates = [...(env.KUBECONFIG ?? '').split(delimiter).filter(Boolean), join(env.HOME ?? homedir(), '.kube', 'config')];
  for (const path of candidates) {
    if (!existsSync(path) || !statSync(path).isFile()) continue;
    try {
      return { path, contexts: usable(path, options.context) };
    } catch (error) {
      if (options.context) return { problem: `${path} cannot be used: ${(error as Error).message}` };
    }
  }
  return undefined;
}

function usable(path: string, context: string | undefined): KubeContexts {
  const contexts = KubeContexts.fromFile(path, context);
  if (!contexts.current) throw new Error('it has no current context (pass --context)');
  contexts.config(); // throws when the current context points nowhere
  return contexts;
}

/** Throws an Error whose message says why an explicitly named kubeconfig or context cannot be used. */
export async function chooseCluster(options: ClusterChoiceOptions): Promise<ClusterChoice> {
  const found = options.sandbox ? undefined : findKubeconfig(options);
  if (found && 'problem' in found) throw new Error(found.problem);
  if (found) {
    return {
      kind: 'kubeconfig',
      contexts: found.contexts,
      kubeconfigPath: found.path,
      note: `cluster: context "${found.contexts.current}" from ${found.path} (${found.contexts.server()})`,
      close: async () => {},
    };
  }
  const sandbox = await startSandbox(options.sandboxOptions);
  return {
    kind: 'sandbox',
    contexts: KubeContexts.fromFile(sandbox.kubeconfigPath),
    kubeconfigPath: sandbox.kubeconfigPath,
    note: `cluster: the built-in sandbox at ${sandbox.server} (${options.sandbox ? '--sandbox' : 'no usable kubeconfig found'}); kubectl --kubeconfig ${sandbox.kubeconfigPath}`,
    sandbox,
    close: () => sandbox.close(),
  };
}
